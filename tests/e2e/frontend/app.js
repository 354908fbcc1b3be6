// The page reads the API's address from ?api=..., picks a pizza with an image, shows it,
// orders two of it and shows what the API answered. Progress goes into #status so the
// test can wait for "ordered" (or "failed").
const params = new URLSearchParams(location.search);
const api = params.get("api");
const customer = params.get("customer") || "Browser Tester";

function show(id, text) {
  document.getElementById(id).textContent = text;
}

function loaded(image) {
  return new Promise((resolve, reject) => {
    if (image.complete && image.naturalWidth > 0) return resolve();
    image.onload = () => resolve();
    image.onerror = () => reject(new Error("the pizza image did not load"));
  });
}

async function placeOrder(body, key) {
  return fetch(`${api}/v1/orders`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify(body),
  });
}

async function main() {
  show("status", "loading the menu");
  const menu = await fetch(`${api}/v1/pizzas?limit=100`);
  if (!menu.ok) throw new Error(`menu: HTTP ${menu.status}`);
  const pizza = (await menu.json()).results.find((p) => p.images.length > 0);
  if (!pizza) throw new Error("no pizza with an image");

  show("pizza-name", pizza.name);
  show("pizza-price", pizza.price);
  const image = document.getElementById("pizza-image");
  image.alt = pizza.name;
  image.src = `${api}${pizza.images[0]}`;
  document.getElementById("pizza").hidden = false;
  await loaded(image);

  show("status", "ordering");
  const body = {
    name: customer,
    contact_phones: ["+43 664 1234567"],
    delivery_address: { street: "Teststrasse", house_number: "1", city: "Wien", country: "Austria" },
    packages: [{ pizza_id: pizza.id, quantity: 2 }],
  };
  const key = crypto.randomUUID();
  const placed = await placeOrder(body, key);
  if (placed.status !== 201) throw new Error(`order: HTTP ${placed.status} ${await placed.text()}`);
  const order = await placed.json();
  // A retry with the same key, as after a lost response: the API must answer the same order.
  const retry = await placeOrder(body, key);
  const replayed = await retry.json();
  if (replayed.id !== order.id) throw new Error("the retry created a second order");

  show("order-id", order.id);
  show("order-total", order.total_cost);
  // Readable only because the API exposes these headers to cross-origin scripts.
  show("order-location", placed.headers.get("Location") || "(hidden)");
  show("order-request-id", placed.headers.get("X-Request-ID") || "(hidden)");
  show("order-replayed", retry.headers.get("Idempotent-Replayed") || "(hidden)");
  document.getElementById("order").hidden = false;
  show("status", "ordered");
}

main().catch((error) => {
  show("error", `${error.name}: ${error.message}`);
  show("status", "failed");
});
