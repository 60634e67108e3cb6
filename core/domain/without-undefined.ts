// DynamoDB's marshaller refuses undefined values, and records and receipts are built from many
// optional fields: they are dropped here. A plain loop, not Object.fromEntries(Object.entries(...)):
// this runs for every record and receipt, and the loop is several times cheaper in V8.

/** `value` without its properties whose value is undefined (a new object; `value` is left alone). */
export function withoutUndefined<T extends object>(value: T): T {
  const defined: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) defined[key] = field;
  }
  return defined as T;
}
