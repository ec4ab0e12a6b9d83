import type { Node } from "./ast.ts";
import { arity, BUILTINS, type Builtin } from "./builtins.ts";
import { ExpressionError } from "./expression-error.ts";
import {
  arithmetic,
  asBool,
  charge,
  checkSize,
  compare,
  contains,
  type Frame,
  fetch,
  negate,
  range,
  runtimeError,
  slice,
  typeError,
} from "./runtime.ts";
import { goTypeName, isMap, type Value, valuesEqual } from "./value.ts";

/** A compiled expression: a tree of closures, evaluated against a frame. */
export type Evaluator = (f: Frame) => Value;

/** What the compiler knows statically about a node's type; `any` when it depends on `result`. */
type StaticType = "int" | "float" | "string" | "bool" | "nil" | "array" | "map" | "any";

interface Compiled {
  run: Evaluator;
  type: StaticType;
}

const GO_NAMES: Record<StaticType, string> = {
  int: "int",
  float: "float64",
  string: "string",
  bool: "bool",
  nil: "<nil>",
  array: "[]interface {}",
  map: "map[string]interface {}",
  any: "interface {}",
};

const COMPARISONS = new Set(["<", ">", "<=", ">="]);
const ARITHMETIC = new Set(["+", "-", "*", "/", "%", "**"]);
const STRING_OPERATORS = new Set(["contains", "startsWith", "endsWith", "matches"]);
/** The names an expression may use besides the built-ins (Argo's two environments differ). */
export interface Environment {
  values: ReadonlySet<string>;
  functions: Readonly<Record<string, Builtin>>;
}

function staticOf(v: Value): StaticType {
  if (v === null) return "nil";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "string":
      return "string";
    default:
      return Array.isArray(v) ? "array" : "map";
  }
}

const isNumeric = (t: StaticType) => t === "int" || t === "float";

/** Rejects, while compiling, operations whose operand types are known and wrong (as expr-lang's checker does). */
function checkBinary(op: string, l: StaticType, r: StaticType): StaticType {
  const bad = () => typeError(`invalid operation: ${op} (mismatched types ${GO_NAMES[l]} and ${GO_NAMES[r]})`);
  const known = l !== "any" && r !== "any";
  if (COMPARISONS.has(op)) {
    if (known && !((isNumeric(l) && isNumeric(r)) || (l === "string" && r === "string"))) throw bad();
    return "bool";
  }
  if (op === "==" || op === "!=") {
    if (known && l !== "nil" && r !== "nil" && l !== r && !(isNumeric(l) && isNumeric(r))) throw bad();
    return "bool";
  }
  if (op === "&&" || op === "||") {
    if ((l !== "any" && l !== "bool") || (r !== "any" && r !== "bool")) throw bad();
    return "bool";
  }
  if (STRING_OPERATORS.has(op)) {
    if ((l !== "any" && l !== "string") || (r !== "any" && r !== "string")) throw bad();
    return "bool";
  }
  if (ARITHMETIC.has(op)) {
    if (!known) return "any";
    if (op === "+" && l === "string" && r === "string") return "string";
    if (op === "%") {
      if (l !== "int" || r !== "int") throw bad();
      return "int";
    }
    if (!isNumeric(l) || !isNumeric(r)) throw bad();
    if (op === "/" || op === "**") return "float";
    return l === "int" && r === "int" ? "int" : "float";
  }
  if (op === "..") {
    if ((l !== "any" && l !== "int") || (r !== "any" && r !== "int")) throw bad();
    return "array";
  }
  if (op === "in") return "bool";
  return "any";
}

interface Scope {
  /** Let-bound names visible here, mapped to their slot in `Frame.vars`. */
  vars: Map<string, number>;
  closures: number;
}

class Compiler {
  slots = 0;
  private readonly env: Environment;

  constructor(env: Environment) {
    this.env = env;
  }

  compile(node: Node, scope: Scope): Compiled {
    switch (node.kind) {
      case "literal": {
        const value = node.value;
        return { run: step(() => value), type: staticOf(value) };
      }
      case "name":
        return this.name(node.name, scope);
      case "pointer":
        return this.pointer(node.name, scope);
      case "unary":
        return this.unary(node.op, this.compile(node.operand, scope));
      case "binary":
        return this.binary(node.op, this.compile(node.left, scope), this.compile(node.right, scope));
      case "conditional": {
        const test = this.compile(node.test, scope);
        if (test.type !== "any" && test.type !== "bool") {
          throw typeError(`non-bool expression (type ${GO_NAMES[test.type]}) used as condition`);
        }
        const then = this.compile(node.then, scope).run;
        const otherwise = this.compile(node.otherwise, scope).run;
        const t = test.run;
        return { run: step((f) => (asBool(t(f)) ? then(f) : otherwise(f))), type: "any" };
      }
      case "member": {
        const object = this.compile(node.object, scope).run;
        const property = this.compile(node.property, scope).run;
        if (node.optional) {
          return {
            run: step((f) => {
              const o = object(f);
              return o === null ? null : fetch(o, property(f));
            }),
            type: "any",
          };
        }
        return { run: step((f) => fetch(object(f), property(f))), type: "any" };
      }
      case "slice": {
        const object = this.compile(node.object, scope).run;
        const from = node.from ? this.compile(node.from, scope).run : () => null;
        const to = node.to ? this.compile(node.to, scope).run : () => null;
        return { run: step((f) => slice(f, object(f), from(f), to(f))), type: "any" };
      }
      case "call":
        return this.call(node.callee, node.args, scope);
      case "closure":
        throw new ExpressionError("EXPR_SYNTAX", "unexpected predicate outside a built-in call");
      case "array": {
        const items = node.items.map((x) => this.compile(x, scope).run);
        return {
          run: step((f) => {
            checkSize(f, items.length);
            return items.map((x) => x(f));
          }),
          type: "array",
        };
      }
      case "map": {
        const entries = node.entries.map((e) => ({
          key: this.compile(e.key, scope).run,
          value: this.compile(e.value, scope).run,
        }));
        return {
          run: step((f) => {
            const out = Object.create(null) as { [key: string]: Value };
            for (const e of entries) {
              const k = e.key(f);
              if (typeof k !== "string") throw typeError(`cannot use ${goTypeName(k)} as map key`);
              out[k] = e.value(f);
            }
            return out;
          }),
          type: "map",
        };
      }
      case "let": {
        const value = this.compile(node.value, scope);
        const slot = this.slots++;
        const inner: Scope = { vars: new Map(scope.vars).set(node.name, slot), closures: scope.closures };
        const body = this.compile(node.body, inner);
        const v = value.run;
        const b = body.run;
        return {
          run: step((f) => {
            f.vars[slot] = v(f);
            return b(f);
          }),
          type: body.type,
        };
      }
    }
  }

  private name(name: string, scope: Scope): Compiled {
    const slot = scope.vars.get(name);
    if (slot !== undefined) return { run: step((f) => f.vars[slot] as Value), type: "any" };
    if (this.env.values.has(name)) return { run: step((f) => f.result), type: "any" };
    throw new ExpressionError("EXPR_UNKNOWN_NAME", `unknown name ${name}`);
  }

  private pointer(name: string, scope: Scope): Compiled {
    if (scope.closures === 0) throw new ExpressionError("EXPR_SYNTAX", "cannot use pointer accessor outside predicate");
    switch (name) {
      case "":
        return { run: step((f) => (f.scopes[f.scopes.length - 1] as { item: Value }).item), type: "any" };
      case "index":
        return { run: step((f) => BigInt((f.scopes[f.scopes.length - 1] as { index: number }).index)), type: "int" };
      case "acc":
        return { run: step((f) => (f.scopes[f.scopes.length - 1] as { acc: Value }).acc), type: "any" };
      default:
        throw new ExpressionError("EXPR_UNKNOWN_NAME", `unknown pointer #${name}`);
    }
  }

  private unary(op: string, operand: Compiled): Compiled {
    const x = operand.run;
    if (op === "!") {
      if (operand.type !== "any" && operand.type !== "bool") {
        throw typeError(`invalid operation: ! (mismatched type ${GO_NAMES[operand.type]})`);
      }
      return { run: step((f) => !asBool(x(f))), type: "bool" };
    }
    if (operand.type !== "any" && !isNumeric(operand.type)) {
      throw typeError(`invalid operation: ${op} (mismatched type ${GO_NAMES[operand.type]})`);
    }
    if (op === "-") return { run: step((f) => negate(x(f))), type: operand.type };
    return {
      run: step((f) => {
        const v = x(f);
        if (typeof v !== "number" && typeof v !== "bigint") throw typeError(`invalid operation: + ${goTypeName(v)}`);
        return v;
      }),
      type: operand.type,
    };
  }

  private binary(op: string, left: Compiled, right: Compiled): Compiled {
    const type = checkBinary(op, left.type, right.type);
    const l = left.run;
    const r = right.run;
    let run: Evaluator;
    switch (op) {
      case "&&":
        run = (f) => asBool(l(f)) && asBool(r(f));
        break;
      case "||":
        run = (f) => asBool(l(f)) || asBool(r(f));
        break;
      case "==":
        run = (f) => valuesEqual(l(f), r(f));
        break;
      case "!=":
        run = (f) => !valuesEqual(l(f), r(f));
        break;
      case "??":
        run = (f) => {
          const v = l(f);
          return v === null ? r(f) : v;
        };
        break;
      case "?:":
        run = (f) => {
          const v = l(f);
          return v === null || v === false ? r(f) : v;
        };
        break;
      case "..":
        run = (f) => range(f, l(f), r(f));
        break;
      case "in":
        run = (f) => {
          const item = l(f);
          return contains("in", r(f), item, f);
        };
        break;
      default:
        if (COMPARISONS.has(op)) run = (f) => compare(op, l(f), r(f));
        else if (STRING_OPERATORS.has(op)) run = (f) => contains(op, l(f), r(f), f);
        else run = (f) => arithmetic(f, op, l(f), r(f));
    }
    return { run: step(run), type };
  }

  private call(callee: string, args: Node[], scope: Scope): Compiled {
    if (PREDICATES[callee] !== undefined) return this.predicateCall(callee, args, scope);
    const builtin = this.env.functions[callee] ?? BUILTINS[callee];
    if (builtin === undefined) {
      if (this.env.values.has(callee) || scope.vars.has(callee)) {
        throw typeError(`${callee} is not callable`);
      }
      throw new ExpressionError("EXPR_UNKNOWN_NAME", `unknown name ${callee}`);
    }
    arity(callee, args.length, builtin.minArgs, builtin.maxArgs);
    const compiled = args.map((a) => this.compile(a, scope).run);
    const type: StaticType = callee === "len" ? "int" : callee.startsWith("is") ? "bool" : "any";
    return {
      run: step((f) =>
        builtin.call(
          compiled.map((a) => a(f)),
          f,
        ),
      ),
      type,
    };
  }

  private predicateCall(callee: string, args: Node[], scope: Scope): Compiled {
    const spec = PREDICATES[callee] as PredicateSpec;
    arity(callee, args.length, spec.minArgs, spec.maxArgs);
    const collection = this.compile(args[0] as Node, scope).run;
    if (args.length === 1) {
      // count(array) counts true elements; sum(array) adds them up.
      const plain = BUILTINS[callee];
      if (callee === "count") {
        return {
          run: step((f) => {
            const items = iterable(callee, collection(f));
            charge(f, items.length);
            return BigInt(items.filter((x) => asBool(x)).length);
          }),
          type: "int",
        };
      }
      const p = plain as { call: (a: Value[], f: Frame) => Value };
      return { run: step((f) => p.call([collection(f)], f)), type: "any" };
    }
    const closureNode = args[1] as Node;
    const bodyNode = closureNode.kind === "closure" ? closureNode.body : closureNode;
    const body = this.compile(bodyNode, { vars: scope.vars, closures: scope.closures + 1 }).run;
    const initial = args[2] ? this.compile(args[2], scope).run : null;
    const apply = spec.apply;
    return {
      run: step((f) => {
        const items = iterable(callee, collection(f));
        const hasInitial = initial !== null;
        const frame = { item: null as Value, index: 0, acc: hasInitial ? initial(f) : null };
        f.scopes.push(frame);
        try {
          const each = (item: Value, index: number): Value => {
            charge(f, 1);
            frame.item = item;
            frame.index = index;
            return body(f);
          };
          return apply(items, each, f, frame, hasInitial);
        } finally {
          f.scopes.pop();
        }
      }),
      type: spec.type,
    };
  }
}

type Each = (item: Value, index: number) => Value;

interface PredicateSpec {
  minArgs: number;
  maxArgs: number;
  type: StaticType;
  apply(items: Value[], each: Each, f: Frame, frame: { acc: Value }, hasInitial: boolean): Value;
}

function iterable(callee: string, v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (isMap(v)) return Object.values(v);
  throw typeError(`cannot iterate over ${goTypeName(v)} in ${callee}`);
}

const PREDICATES: Record<string, PredicateSpec> = {
  all: { minArgs: 2, maxArgs: 2, type: "bool", apply: (items, each) => items.every((x, i) => asBool(each(x, i))) },
  any: { minArgs: 2, maxArgs: 2, type: "bool", apply: (items, each) => items.some((x, i) => asBool(each(x, i))) },
  none: { minArgs: 2, maxArgs: 2, type: "bool", apply: (items, each) => !items.some((x, i) => asBool(each(x, i))) },
  one: {
    minArgs: 2,
    maxArgs: 2,
    type: "bool",
    apply: (items, each) => {
      let hits = 0;
      for (let i = 0; i < items.length && hits < 2; i++) if (asBool(each(items[i] as Value, i))) hits++;
      return hits === 1;
    },
  },
  filter: {
    minArgs: 2,
    maxArgs: 2,
    type: "array",
    apply: (items, each, f) => {
      const out = items.filter((x, i) => asBool(each(x, i)));
      checkSize(f, out.length);
      return out;
    },
  },
  map: {
    minArgs: 2,
    maxArgs: 2,
    type: "array",
    apply: (items, each, f) => {
      checkSize(f, items.length);
      return items.map((x, i) => each(x, i));
    },
  },
  count: {
    minArgs: 1,
    maxArgs: 2,
    type: "int",
    apply: (items, each) => BigInt(items.filter((x, i) => asBool(each(x, i))).length),
  },
  sum: {
    minArgs: 1,
    maxArgs: 2,
    type: "any",
    apply: (items, each, f) => {
      const mapped = items.map((x, i) => each(x, i));
      return (BUILTINS.sum as { call: (a: Value[], f: Frame) => Value }).call([mapped], f);
    },
  },
  find: {
    minArgs: 2,
    maxArgs: 2,
    type: "any",
    apply: (items, each) => {
      for (let i = 0; i < items.length; i++) if (asBool(each(items[i] as Value, i))) return items[i] as Value;
      return null;
    },
  },
  findIndex: {
    minArgs: 2,
    maxArgs: 2,
    type: "int",
    apply: (items, each) => {
      for (let i = 0; i < items.length; i++) if (asBool(each(items[i] as Value, i))) return BigInt(i);
      return -1n;
    },
  },
  findLast: {
    minArgs: 2,
    maxArgs: 2,
    type: "any",
    apply: (items, each) => {
      for (let i = items.length - 1; i >= 0; i--) if (asBool(each(items[i] as Value, i))) return items[i] as Value;
      return null;
    },
  },
  findLastIndex: {
    minArgs: 2,
    maxArgs: 2,
    type: "int",
    apply: (items, each) => {
      for (let i = items.length - 1; i >= 0; i--) if (asBool(each(items[i] as Value, i))) return BigInt(i);
      return -1n;
    },
  },
  reduce: {
    minArgs: 2,
    maxArgs: 3,
    type: "any",
    apply: (items, each, _f, frame, hasInitial) => {
      let start = 0;
      if (!hasInitial) {
        if (items.length === 0) throw runtimeError("reduce of empty array with no initial value");
        frame.acc = items[0] as Value;
        start = 1;
      }
      for (let i = start; i < items.length; i++) frame.acc = each(items[i] as Value, i);
      return frame.acc;
    },
  },
};

/** Every node costs one step, so no expression runs longer than the budget allows. */
function step(run: Evaluator): Evaluator {
  return (f) => {
    if (++f.steps > f.limits.maxSteps) {
      throw new ExpressionError("EXPR_LIMIT", `evaluation exceeded ${f.limits.maxSteps} steps`);
    }
    return run(f);
  };
}

export interface CompiledExpression {
  readonly evaluate: Evaluator;
  /** Let-bound variables need this many slots per evaluation. */
  readonly slots: number;
}

/** Compiles a syntax tree into closures, resolving names and checking the types it can know statically. */
export function compileTree(node: Node, env: Environment): CompiledExpression {
  const compiler = new Compiler(env);
  const { run } = compiler.compile(node, { vars: new Map(), closures: 0 });
  return { evaluate: run, slots: compiler.slots };
}
