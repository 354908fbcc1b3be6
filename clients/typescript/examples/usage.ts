// How the front end uses the client. The test suite type-checks this file against the types
// generated from openapi.json, so an API change that breaks this code is a type error.
import { createUserSnackClient, type ApiError, type Order, type OrderIn, type Pizza } from "../src";

const api = createUserSnackClient("http://127.0.0.1:8000");

export function priceLabel(pizza: Pizza): string {
  // Money is a decimal string ("16.90"), never a float.
  const price: string = pizza.price;
  return `${pizza.name}: € ${price}`;
}

export function describeError(error: ApiError): string {
  return `${error.code}: ${error.message}`;
}

export async function findPizzas(name: string): Promise<Pizza[]> {
  const { data, error } = await api.GET("/v1/pizzas", {
    params: { query: { name, limit: 20, offset: 0 } },
  });
  if (error) throw new Error(describeError(error));
  return data.results;
}

export async function orderTwo(pizza: Pizza, extraIds: string[]): Promise<Order> {
  const body: OrderIn = {
    name: "Ada Lovelace",
    contact_phones: ["+43 664 1234567"],
    delivery_address: { street: "Mariahilfer Strasse", house_number: "12A", city: "Wien", country: "Austria" },
    packages: [
      {
        pizza_id: pizza.id,
        quantity: 2,
        garnishes: extraIds.map((extra_id) => ({ extra_id, quantity: 1 })),
      },
    ],
  };
  const { data, error, response } = await api.POST("/v1/orders", {
    body,
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
  });
  if (error) throw new Error(describeError(error));
  const location: string | null = response.headers.get("Location");
  console.log(`order ${data.id} at ${location}, total ${data.total_cost}`);
  return data;
}

export async function readOrder(id: string): Promise<string> {
  const { data, error } = await api.GET("/v1/orders/{order_id}", {
    params: { path: { order_id: id } },
  });
  if (error) throw new Error(describeError(error));
  const first = data.packages[0];
  return first ? `${first.quantity} × ${first.pizza.name}, ${data.total_cost}` : data.total_cost;
}
