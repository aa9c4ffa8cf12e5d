// The condition builder's "left operator right" form and the expression it writes, mirroring the
// Rust model's `ConditionRule::to_expression` (crates/model/src/condition.rs).

export type BuilderOperator = "==" | "!=" | "contains" | ">" | "<";

export const OPERATORS: readonly { value: BuilderOperator; label: string }[] = [
  { value: "==", label: "is equal to" },
  { value: "!=", label: "is not equal to" },
  { value: "contains", label: "contains" },
  { value: ">", label: "is greater than" },
  { value: "<", label: "is less than" },
];

export interface ConditionRule {
  left: string;
  operator: BuilderOperator;
  right: string;
}

const REFERENCE = /^(trigger|steps)\.[A-Za-z0-9_.]+$/;

/** An operand as written in the expression: references and literals as they are, text quoted. */
export function operand(text: string): string {
  const trimmed = text.trim();
  const isNumber = trimmed !== "" && Number.isFinite(Number(trimmed));
  if (REFERENCE.test(trimmed) || isNumber || ["true", "false", "none"].includes(trimmed)) return trimmed;
  return JSON.stringify(text);
}

export function toExpression(rule: ConditionRule): string {
  const left = operand(rule.left);
  const right = operand(rule.right);
  if (rule.operator === "contains") return `${right} in ${left}`;
  return `${left} ${rule.operator} ${right}`;
}

function unquote(text: string): string | null {
  const trimmed = text.trim();
  if (REFERENCE.test(trimmed) || ["true", "false", "none"].includes(trimmed) || (trimmed !== "" && Number.isFinite(Number(trimmed)))) return trimmed;
  if (/^".*"$/.test(trimmed)) {
    try {
      const value: unknown = JSON.parse(trimmed);
      return typeof value === "string" ? value : null;
    } catch {
      return null;
    }
  }
  if (/^'[^']*'$/.test(trimmed)) return trimmed.slice(1, -1);
  return null;
}

/** The builder form of an expression it could have written, or null (then it shows the raw text). */
export function parseExpression(expression: string): ConditionRule | null {
  const text = expression.trim();
  const contains = /^(.+?) in (\S+)$/.exec(text);
  if (contains) {
    const [, right = "", left = ""] = contains;
    const r = unquote(right);
    if (REFERENCE.test(left) && r !== null) return { left, operator: "contains", right: r };
  }
  const compare = /^(\S+) (==|!=|>|<) (.+)$/.exec(text);
  if (compare) {
    const [, left = "", operator = "==", right = ""] = compare;
    const l = unquote(left);
    const r = unquote(right);
    if (l !== null && r !== null) return { left: l, operator: operator as BuilderOperator, right: r };
  }
  return null;
}
