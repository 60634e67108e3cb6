/**
 * `{ [key]: value }`, or nothing when the value is undefined: spread into an object literal, it keeps
 * an absent field absent (not present as undefined) while every field is still named one by one.
 */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
