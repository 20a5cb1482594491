/**
 * A key written with nothing after it (`server:` with every line below commented out) means
 * "use the defaults": such `null`s are removed before validation wherever the schema has a
 * default for the key, at any depth of nested sections. A `null` elsewhere stays an error.
 */
type JsonSchema = Record<string, any>;

export function dropEmptySections(schema: JsonSchema, data: unknown): void {
  if (!schema.properties || !data || typeof data !== 'object' || Array.isArray(data)) return;
  const obj = data as Record<string, unknown>;
  for (const [key, sub] of Object.entries<JsonSchema>(schema.properties)) {
    if (obj[key] === null && 'default' in sub) delete obj[key];
    else dropEmptySections(sub, obj[key]);
  }
}
