import type { Value } from "./value.ts";

/** Syntax tree of an expr-lang expression. */
export type Node =
  | { kind: "literal"; value: Value }
  | { kind: "name"; name: string }
  /** `#` (current element), `#index`, `#acc` inside a predicate. */
  | { kind: "pointer"; name: string }
  | { kind: "unary"; op: string; operand: Node }
  | { kind: "binary"; op: string; left: Node; right: Node }
  | { kind: "conditional"; test: Node; then: Node; otherwise: Node }
  | { kind: "member"; object: Node; property: Node; optional: boolean }
  | { kind: "slice"; object: Node; from: Node | null; to: Node | null }
  | { kind: "call"; callee: string; args: Node[] }
  | { kind: "closure"; body: Node }
  | { kind: "array"; items: Node[] }
  | { kind: "map"; entries: Array<{ key: Node; value: Node }> }
  | { kind: "let"; name: string; value: Node; body: Node };
