// A small builder for UpdateItem/ConditionExpression strings. Every attribute name goes through a
// placeholder, because many of ours are DynamoDB reserved words (status, text, to, from, read, ...).

export interface BuiltUpdate {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** The clauses as given, for another rendering of the same update (PartiQL: partiql-update.ts). */
export interface UpdateClauses {
  /** Paths as placeholders (`#n0.#n1`), as in the conditions. */
  sets: readonly { path: string; append: boolean; value: unknown }[];
  removes: readonly string[];
  /** ANDed; written with `#n` and `:v` placeholders in UpdateItem's condition syntax. */
  conditions: readonly string[];
  /** Placeholder → attribute name. */
  names: Readonly<Record<string, string>>;
  /** Placeholder → value, for the placeholders the conditions use. */
  values: Readonly<Record<string, unknown>>;
}

export class UpdateExpressionBuilder {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};
  /**
   * Keyed by path, rendered in build(): setting a path again replaces the earlier value, because
   * DynamoDB rejects an update that names one path twice.
   */
  private readonly sets = new Map<string, { append: boolean; value: unknown }>();
  private readonly removes = new Set<string>();
  private readonly conditions: string[] = [];

  /** `#n` placeholder(s) for a document path given as its parts, e.g. ['partOutcomes', smscId]. */
  name(...path: string[]): string {
    return path
      .map((part) => {
        let placeholder = this.names.get(part);
        if (!placeholder) {
          placeholder = `#n${this.names.size}`;
          this.names.set(part, placeholder);
        }
        return placeholder;
      })
      .join('.');
  }

  value(value: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  set(attribute: string | string[], value: unknown): this {
    const path = typeof attribute === 'string' ? [attribute] : attribute;
    const name = this.name(...path);
    this.removes.delete(name);
    this.sets.set(name, { append: false, value });
    return this;
  }

  /** Appends to a list attribute, creating it when absent. */
  append(attribute: string, items: readonly unknown[]): this {
    const name = this.name(attribute);
    this.removes.delete(name);
    this.sets.set(name, { append: true, value: items });
    return this;
  }

  remove(attribute: string): this {
    const name = this.name(attribute);
    this.sets.delete(name);
    this.removes.add(name);
    return this;
  }

  /** Adds a condition clause; clauses are ANDed. Use name()/value() to build its placeholders. */
  condition(clause: string): this {
    this.conditions.push(`(${clause})`);
    return this;
  }

  /** `#attr IN (:a, :b)`; callers handle an empty list (no status can satisfy it) before writing. */
  conditionIn(attribute: string, allowed: readonly string[]): this {
    if (allowed.length === 0) throw new RangeError(`empty IN list for ${attribute}`);
    return this.condition(`${this.name(attribute)} IN (${allowed.map((v) => this.value(v)).join(', ')})`);
  }

  clauses(): UpdateClauses {
    return {
      sets: [...this.sets].map(([path, { append, value }]) => ({ path, append, value })),
      removes: [...this.removes],
      conditions: [...this.conditions],
      names: Object.fromEntries([...this.names].map(([name, ph]) => [ph, name])),
      values: { ...this.values },
    };
  }

  build(): BuiltUpdate {
    // SET values are numbered after the condition values, on a copy, so build() can run twice.
    const values = { ...this.values };
    const placeholderFor = (value: unknown) => {
      const placeholder = `:v${Object.keys(values).length}`;
      values[placeholder] = value;
      return placeholder;
    };
    const sets = [...this.sets].map(([name, { append, value }]) =>
      append
        ? `${name} = list_append(if_not_exists(${name}, ${placeholderFor([])}), ${placeholderFor(value)})`
        : `${name} = ${placeholderFor(value)}`,
    );
    const clauses: string[] = [];
    if (sets.length > 0) clauses.push(`SET ${sets.join(', ')}`);
    if (this.removes.size > 0) clauses.push(`REMOVE ${[...this.removes].join(', ')}`);
    return {
      UpdateExpression: clauses.join(' '),
      ...(this.conditions.length > 0 ? { ConditionExpression: this.conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: Object.fromEntries([...this.names].map(([name, ph]) => [ph, name])),
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    };
  }
}
