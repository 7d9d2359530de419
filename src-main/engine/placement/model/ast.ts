/**
 * The syntax tree of the modelling language: statements and expressions, each with its source position
 * (`at`), so every later error points at `file:line:col`.
 */
export interface Pos { line: number; col: number }

export interface Generator { name: string; from: Expr; to: Expr; at: Pos }

export type Expr =
  | { k: 'int'; value: number; at: Pos }
  | { k: 'bool'; value: boolean; at: Pos }
  | { k: 'name'; name: string; at: Pos }
  | { k: 'index'; name: string; index: Expr; at: Pos }
  | { k: 'array'; items: Expr[]; at: Pos }
  | { k: 'unary'; op: '-' | 'not'; arg: Expr; at: Pos }
  | { k: 'binary'; op: BinaryOp; left: Expr; right: Expr; at: Pos }
  | { k: 'agg'; op: 'sum' | 'forall' | 'exists' | 'count' | 'min' | 'max'; gens: Generator[]; where?: Expr; body: Expr; at: Pos }
  | { k: 'call'; fn: 'sum' | 'abs' | 'min' | 'max' | 'binPacking'; args: Expr[]; at: Pos }
  | { k: 'ite'; cond: Expr; then: Expr; else: Expr; at: Pos };

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or' | '->' | '<->';

export interface Range { from: Expr; to: Expr }

export type Stmt =
  | { k: 'const'; name: string; range?: Range; value: Expr; at: Pos }
  | { k: 'var'; type: 'int' | 'bool'; name: string; range?: Range; domain?: Range; def?: Expr; at: Pos }
  | { k: 'constraint'; name?: string; body: Expr; at: Pos }
  | { k: 'objective'; sense: 'maximize' | 'minimize'; expr: Expr; at: Pos };

export interface ModelAst { file: string; stmts: Stmt[] }
