// Where a hand-written declaration of a module has drifted from the code it describes,
// found with the TypeScript compiler: every export the declaration names is compared with
// the code's own type of that name, option by option (names, optionality, types).
//
// Types are compared structurally, except that a type the declaration itself exports
// (TaskScheduler, Job, WatchOptions, …) is matched by name and compared where it is
// declared: the declared classes carry no private members, so the compiler's own
// assignability would call every class-typed option a mismatch.

import ts from "typescript";

export interface Drift {
  /** "FileManagerRuleOptions.dst_re", "new ShellScheduler(options).cmd", … */
  path: string;
  kind: "missing" | "extra" | "optional" | "type";
  text: string;
}

export interface DriftInput {
  /** The declaration file; it declares `module "<name>"`. */
  dtsFile: string;
  module: string;
  /** Files whose exports are the code's public types, and whose `*_API.exports` objects are its values. */
  codeFiles: string[];
  tsconfig: string;
  /**
   * Names the code exports only as values passed to users (outputs): the code's type need
   * only fit the declared one.
   */
  outputs: readonly string[];
}

export function findDrift(input: DriftInput): { drift: Drift[]; diagnostics: string[] } {
  const config = ts.getParsedCommandLineOfConfigFile(
    input.tsconfig,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} },
  );
  if (!config) throw new Error(`cannot read ${input.tsconfig}`);
  const program = ts.createProgram([input.dtsFile, ...input.codeFiles], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const diagnostics = ts
    .getPreEmitDiagnostics(program, program.getSourceFile(input.dtsFile))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  const declaredModule = checker.getAmbientModules().find((m) => m.name === `"${input.module}"`);
  if (!declaredModule) throw new Error(`${input.dtsFile} declares no module "${input.module}"`);
  const declared = new Map(checker.getExportsOfModule(declaredModule).map((s) => [s.name, s]));
  const code = codeExports(checker, program, input.codeFiles);
  const drift: Drift[] = [];
  const cmp = new Comparer(checker, new Set(declared.keys()), drift);

  for (const [name, sym] of declared) {
    if (sym.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Function | ts.SymbolFlags.Variable))
      cmp.value(name, sym, code.values.get(name));
    else cmp.declaredType(name, sym, code.types.get(name), input.outputs.includes(name));
  }
  for (const name of code.values.keys())
    if (!declared.has(name))
      drift.push({ path: name, kind: "missing", text: `exported, not declared in seedwatch.d.ts` });
  return { drift, diagnostics };
}

// --- internal ---

function codeExports(checker: ts.TypeChecker, program: ts.Program, files: string[]) {
  const values = new Map<string, ts.Type>();
  const types = new Map<string, ts.Type>();
  for (const file of files) {
    const mod = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    for (let sym of checker.getExportsOfModule(mod)) {
      const name = sym.name;
      if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
      if (/_API$/.test(name)) {
        const api = checker.getTypeOfSymbol(sym).getProperty("exports");
        if (!api) continue;
        for (const p of checker.getTypeOfSymbol(api).getProperties()) values.set(p.name, checker.getTypeOfSymbol(p));
      } else if (
        sym.flags &
        (ts.SymbolFlags.Type | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class)
      )
        types.set(name, checker.getDeclaredTypeOfSymbol(sym));
    }
  }
  return { values, types };
}

class Comparer {
  constructor(
    private readonly checker: ts.TypeChecker,
    /** Names the declaration exports: matched by name below the top. */
    private readonly named: Set<string>,
    private readonly out: Drift[],
  ) {}

  /** A declared class, function or constant against the module's value of that name. */
  value(name: string, sym: ts.Symbol, value: ts.Type | undefined): void {
    const c = this.checker;
    if (!value) return this.drift(name, "extra", `seedwatch.d.ts declares ${name}; the module does not export it`);
    const d = c.getTypeOfSymbol(sym);
    if (sym.flags & ts.SymbolFlags.Function)
      return this.signatures(d.getCallSignatures(), value.getCallSignatures(), name);
    if (sym.flags & ts.SymbolFlags.Variable) {
      if (!c.isTypeAssignableTo(value, d))
        this.drift(name, "type", `the code's ${c.typeToString(value)} does not fit ${c.typeToString(d)}`);
      return;
    }
    this.signatures(d.getConstructSignatures(), value.getConstructSignatures(), `new ${name}`);
    const instance = value.getConstructSignatures()[0]?.getReturnType();
    for (const p of c.getDeclaredTypeOfSymbol(sym).getProperties()) {
      const r = instance?.getProperty(p.name);
      if (!r) this.drift(`${name}.${p.name}`, "extra", "declared, not in the code");
      else this.types(c.getTypeOfSymbol(p), c.getTypeOfSymbol(r), `${name}.${p.name}`, true);
    }
  }

  /** A declared interface or type against the code's type of that name; an output need only fit. */
  declaredType(name: string, sym: ts.Symbol, real: ts.Type | undefined, output: boolean): void {
    if (!real) return this.drift(name, "extra", `seedwatch.d.ts declares type ${name}; no user-api.ts exports it`);
    const d = this.checker.getDeclaredTypeOfSymbol(sym);
    if (!output || !this.checker.isTypeAssignableTo(real, d)) this.types(d, real, name, true);
  }

  /** Compare `d` (declared) with `r` (the code's); `top`: compare the structure even if both are named. */
  types(d: ts.Type, r: ts.Type, path: string, top = false, depth = 0): void {
    if (d === r || depth > 6) return;
    const [dd, rr] = [defined(d), defined(r)];
    if (dd.length !== 1 || rr.length !== 1) return this.unions(dd, rr, path, depth);
    d = dd[0]!;
    r = rr[0]!;
    if (d === r) return;
    const dn = nameOf(d);
    if (!top && dn && this.named.has(dn) && dn === nameOf(r)) return; // compared where it is declared
    if (d.flags & ts.TypeFlags.TypeParameter || r.flags & ts.TypeFlags.TypeParameter) {
      const [dc, rc] = [d.getConstraint(), r.getConstraint()];
      if (!(d.flags & r.flags & ts.TypeFlags.TypeParameter)) this.type(path, d, r);
      else if (dc || rc) {
        if (!dc || !rc) this.type(`${path} (constraint)`, dc ?? d, rc ?? r);
        else this.types(dc, rc, `${path} (constraint)`, false, depth + 1);
      }
      return;
    }
    if (this.checker.isArrayType(d) || this.checker.isArrayType(r)) {
      if (!this.checker.isArrayType(d) || !this.checker.isArrayType(r)) return this.type(path, d, r);
      const [de] = this.checker.getTypeArguments(d as ts.TypeReference);
      const [re] = this.checker.getTypeArguments(r as ts.TypeReference);
      return this.types(de!, re!, `${path}[]`, false, depth + 1);
    }
    const objectish = ts.TypeFlags.Object | ts.TypeFlags.Intersection;
    if (d.flags & objectish && r.flags & objectish) return this.objects(d, r, path, depth);
    if (this.checker.typeToString(d) !== this.checker.typeToString(r)) this.type(path, d, r);
  }

  signatures(d: readonly ts.Signature[], r: readonly ts.Signature[], path: string, depth = 0): void {
    if (d.length !== r.length)
      return void this.out.push({
        path,
        kind: "type",
        text: `${d.length} signature(s) declared, ${r.length} in the code`,
      });
    for (const [i, ds] of d.entries()) {
      const rs = r[i]!;
      const [dp, rp] = [ds.getParameters(), rs.getParameters()];
      if (dp.length !== rp.length)
        this.out.push({ path, kind: "type", text: `${dp.length} parameter(s) declared, ${rp.length} in the code` });
      for (let k = 0; k < Math.min(dp.length, rp.length); k++) {
        const at = `${path}(${rp[k]!.name})`;
        if (isOptionalParam(dp[k]!) !== isOptionalParam(rp[k]!))
          this.out.push({ path: at, kind: "optional", text: "optional on one side only" });
        this.types(this.checker.getTypeOfSymbol(dp[k]!), this.checker.getTypeOfSymbol(rp[k]!), at, false, depth + 1);
      }
      this.types(ds.getReturnType(), rs.getReturnType(), `${path}()`, false, depth + 1);
    }
  }

  private objects(d: ts.Type, r: ts.Type, path: string, depth: number): void {
    const c = this.checker;
    this.signatures(d.getCallSignatures(), r.getCallSignatures(), path, depth + 1);
    const dp = new Map(c.getPropertiesOfType(d).map((p) => [p.name, p]));
    const rp = new Map(c.getPropertiesOfType(r).map((p) => [p.name, p]));
    for (const [name, p] of dp) {
      const q = rp.get(name);
      const at = `${path}.${name}`;
      if (!q) {
        this.out.push({ path: at, kind: "extra", text: "declared in seedwatch.d.ts, not in the code" });
        continue;
      }
      if (!!(p.flags & ts.SymbolFlags.Optional) !== !!(q.flags & ts.SymbolFlags.Optional))
        this.out.push({
          path: at,
          kind: "optional",
          text: `optional ${p.flags & ts.SymbolFlags.Optional ? "in seedwatch.d.ts" : "in the code"} only`,
        });
      this.types(c.getTypeOfSymbol(p), c.getTypeOfSymbol(q), at, false, depth + 1);
    }
    for (const name of rp.keys())
      if (!dp.has(name))
        this.out.push({ path: `${path}.${name}`, kind: "missing", text: "in the code, not in seedwatch.d.ts" });
    const [di, ri] = [c.getIndexInfosOfType(d), c.getIndexInfosOfType(r)];
    if (di.length !== ri.length) this.type(`${path} (index)`, d, r);
    else
      for (const [i, x] of di.entries())
        this.types(x.type, ri[i]!.type, `${path}[${c.typeToString(x.keyType)}]`, false, depth + 1);
  }

  private unions(d: ts.Type[], r: ts.Type[], path: string, depth: number): void {
    const fits = (a: ts.Type, among: ts.Type[], declaredSide: boolean) =>
      among.some((b) => {
        const probe = new Comparer(this.checker, this.named, []);
        declaredSide ? probe.types(a, b, path, false, depth + 1) : probe.types(b, a, path, false, depth + 1);
        return probe.out.length === 0;
      });
    for (const t of d)
      if (!fits(t, r, true))
        this.out.push({
          path,
          kind: "type",
          text: `${this.checker.typeToString(t)}: declared, not in the code's ${this.show(r)}`,
        });
    for (const t of r)
      if (!fits(t, d, false))
        this.out.push({
          path,
          kind: "type",
          text: `${this.checker.typeToString(t)}: in the code, not in the declared ${this.show(d)}`,
        });
  }

  private drift(path: string, kind: Drift["kind"], text: string): void {
    this.out.push({ path, kind, text });
  }

  private type(path: string, d: ts.Type, r: ts.Type): void {
    this.out.push({
      path,
      kind: "type",
      text: `declared ${this.checker.typeToString(d)}, the code has ${this.checker.typeToString(r)}`,
    });
  }

  private show(types: ts.Type[]): string {
    return types.map((t) => this.checker.typeToString(t)).join(" | ");
  }
}

/** The members of a type other than undefined (optionality is compared on its own); boolean is true | false. */
function defined(t: ts.Type): ts.Type[] {
  const members = t.isUnion() ? t.types : [t];
  return members.filter((m) => !(m.flags & ts.TypeFlags.Undefined));
}

function nameOf(t: ts.Type): string | undefined {
  const s = t.aliasSymbol ?? t.getSymbol();
  return s && !s.name.startsWith("__") ? s.name : undefined;
}

function isOptionalParam(p: ts.Symbol): boolean {
  const decl = p.valueDeclaration;
  return !!decl && ts.isParameter(decl) && (!!decl.questionToken || !!decl.initializer || !!decl.dotDotDotToken);
}
