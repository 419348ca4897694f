//! Semantic tokens: symbols coloured by what the compiler found them to
//! mean (local, function, macro, var, special form; from the standard
//! library or not), namespaces of qualified symbols, and the literals.

use std::collections::HashMap;

use glia_eval::Kind;
use glia_syntax::{Span, SyntaxKind};
use lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensParams,
    SemanticTokensRangeParams, SemanticTokensRangeResult, SemanticTokensResult, Uri,
};

use crate::analysis::{Target, symbol_name};
use crate::capabilities::{TOKEN_MODIFIERS, TOKEN_TYPES};
use crate::position::Lines;
use crate::server::{Answer, Server};

fn type_index(t: &SemanticTokenType) -> u32 {
    TOKEN_TYPES.iter().position(|x| x == t).unwrap_or(0) as u32
}

fn modifier_bit(m: &SemanticTokenModifier) -> u32 {
    1 << TOKEN_MODIFIERS.iter().position(|x| x == m).unwrap_or(0)
}

/// A token to send: where, its type and modifier bits.
struct Classified {
    span: Span,
    ty: SemanticTokenType,
    modifiers: u32,
}

impl Server {
    pub fn semantic_tokens(
        &mut self,
        p: SemanticTokensParams,
    ) -> Answer<Option<SemanticTokensResult>> {
        let data = self.tokens(&p.text_document.uri, None)?;
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: None,
            data,
        })))
    }

    pub fn semantic_tokens_range(
        &mut self,
        p: SemanticTokensRangeParams,
    ) -> Answer<Option<SemanticTokensRangeResult>> {
        let span = self.document(&p.text_document.uri)?.doc.lines.span(p.range);
        let data = self.tokens(&p.text_document.uri, Some(span))?;
        Ok(Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
            result_id: None,
            data,
        })))
    }

    fn tokens(&mut self, uri: &Uri, within: Option<Span>) -> Answer<Vec<SemanticToken>> {
        let open = self.document(uri)?;
        let text = open.doc.text.clone();
        let tokens: Vec<(Span, SyntaxKind)> = open
            .analysis
            .read
            .parse
            .syntax()
            .tokens()
            .filter(|t| within.is_none_or(|w| t.span().end >= w.start && t.span().start <= w.end))
            .map(|t| (t.span(), t.kind()))
            .collect();
        let mut kinds: HashMap<(String, String), Option<Kind>> = HashMap::new();
        let mut out = Vec::new();
        for (span, kind) in tokens {
            let ty = match kind {
                SyntaxKind::String | SyntaxKind::UnterminatedString | SyntaxKind::Char => {
                    SemanticTokenType::STRING
                }
                SyntaxKind::Number | SyntaxKind::SymbolicValue => SemanticTokenType::NUMBER,
                SyntaxKind::Comment | SyntaxKind::Shebang => SemanticTokenType::COMMENT,
                SyntaxKind::Regex | SyntaxKind::UnterminatedRegex => SemanticTokenType::REGEXP,
                SyntaxKind::Keyword => SemanticTokenType::ENUM_MEMBER,
                SyntaxKind::Symbol => {
                    self.classify_symbol(uri, &text, span, &mut kinds, &mut out);
                    continue;
                }
                _ => continue,
            };
            out.push(Classified {
                span,
                ty,
                modifiers: 0,
            });
        }
        let open = self.document(uri)?;
        Ok(encode(&out, &text, &open.doc.lines))
    }

    fn classify_symbol(
        &mut self,
        uri: &Uri,
        text: &str,
        span: Span,
        kinds: &mut HashMap<(String, String), Option<Kind>>,
        out: &mut Vec<Classified>,
    ) {
        let Ok(open) = self.document(uri) else {
            return;
        };
        let symbol = &text[span.start..span.end];
        let name_start = span.end - symbol_name(symbol).len();
        if name_start > span.start + 1 {
            out.push(Classified {
                span: Span::new(span.start, name_start - 1),
                ty: SemanticTokenType::NAMESPACE,
                modifiers: 0,
            });
        }
        let name = Span::new(name_start, span.end);
        let occurrence = open
            .analysis
            .occurrence_at(span.start)
            .filter(|o| o.span == span)
            .cloned();
        let (ty, modifiers) = match occurrence {
            Some(o) => {
                let declared = if o.def {
                    modifier_bit(&SemanticTokenModifier::DECLARATION)
                } else {
                    0
                };
                match &o.target {
                    Target::Local(_) => (SemanticTokenType::VARIABLE, declared),
                    Target::Var { ns, name } => {
                        let key = (ns.clone(), name.clone());
                        let kind = match kinds.get(&key) {
                            Some(k) => *k,
                            None => {
                                let k = self.describe_var(uri, ns, name).map(|d| d.kind);
                                kinds.insert(key, k);
                                k
                            }
                        };
                        let library = if self.library.has(ns) {
                            modifier_bit(&SemanticTokenModifier::DEFAULT_LIBRARY)
                        } else {
                            0
                        };
                        let ty = match kind {
                            Some(Kind::Macro) => SemanticTokenType::MACRO,
                            Some(Kind::Function) => SemanticTokenType::FUNCTION,
                            _ => SemanticTokenType::VARIABLE,
                        };
                        (ty, declared | library)
                    }
                }
            }
            None if glia_eval::special_forms().any(|s| s == symbol) => {
                (SemanticTokenType::KEYWORD, 0)
            }
            None => return,
        };
        out.push(Classified {
            span: name,
            ty,
            modifiers,
        });
    }
}

/// Tokens in the protocol's relative encoding; a token over several lines
/// (a string) is sent a line at a time.
fn encode(tokens: &[Classified], text: &str, lines: &Lines) -> Vec<SemanticToken> {
    let mut out = Vec::new();
    let (mut line, mut col) = (0, 0);
    for t in tokens {
        let mut start = t.span.start;
        for piece in text[t.span.start..t.span.end].split_inclusive('\n') {
            let end = start + piece.trim_end_matches(['\n', '\r']).len();
            let (a, b) = (lines.position(start), lines.position(end));
            if b.character > a.character {
                let delta_line = a.line - line;
                let delta_start = if delta_line == 0 {
                    a.character - col
                } else {
                    a.character
                };
                out.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: b.character - a.character,
                    token_type: type_index(&t.ty),
                    token_modifiers_bitset: t.modifiers,
                });
                (line, col) = (a.line, a.character);
            }
            start += piece.len();
        }
    }
    out
}
