/**
 * Lexer of the placement modelling language: the shared one (the renderer's workbench highlights with
 * the same rules), re-exported here so the model's parser imports it beside its siblings.
 */
export { lex, KEYWORDS, type Token, type TokKind, type LexDiagnostic } from '@shared/placement/modelLexer';
