//! Signature help: the arglists of the fn or macro a call is to, with the
//! parameter the cursor is at.

use glia_eval::Description;
use glia_syntax::{FormKind, SyntaxKind};
use lsp_types::{
    ParameterInformation, ParameterLabel, SignatureHelp, SignatureHelpParams, SignatureInformation,
};

use crate::analysis::Target;
use crate::navigation::split_symbol;
use crate::server::{Answer, Server};
use crate::syntax;

/// One arglist's parameters as written (`&` left out) and the index of
/// the rest parameter, if any.
fn parameters(arglist: &str) -> (Vec<String>, Option<usize>) {
    let read = glia_syntax::read(arglist);
    let Some(FormKind::Vector(items)) = read.forms.first().map(|f| &f.kind) else {
        return (Vec::new(), None);
    };
    let mut params = Vec::new();
    let mut rest = None;
    for item in items {
        if item.as_simple_symbol() == Some("&") {
            rest = Some(params.len());
        } else {
            params.push(glia_syntax::printer::pr_str(item));
        }
    }
    (params, rest)
}

/// The signatures of a description and the one that takes `argument`.
fn signatures(d: &Description, argument: usize) -> (Vec<SignatureInformation>, u32, u32) {
    let mut active = None;
    let mut infos = Vec::new();
    for (i, arglist) in d.arglists.iter().enumerate() {
        let (params, rest) = parameters(arglist);
        let mut label = format!("({}", d.name);
        let mut labels = Vec::new();
        for (j, p) in params.iter().enumerate() {
            if rest == Some(j) {
                label.push_str(" &");
            }
            label.push(' ');
            let start = label.encode_utf16().count() as u32;
            label.push_str(p);
            labels.push([start, label.encode_utf16().count() as u32]);
        }
        label.push(')');
        let takes = match rest {
            Some(r) => argument >= r || argument < params.len(),
            None => argument < params.len(),
        };
        let parameter = match rest {
            Some(r) if argument >= r => r,
            _ => argument.min(params.len().saturating_sub(1)),
        };
        if takes && active.is_none() {
            active = Some((i, parameter));
        }
        infos.push(SignatureInformation {
            label,
            documentation: None,
            parameters: Some(
                labels
                    .into_iter()
                    .map(|l| ParameterInformation {
                        label: ParameterLabel::LabelOffsets(l),
                        documentation: None,
                    })
                    .collect(),
            ),
            active_parameter: Some(parameter as u32),
        });
    }
    let (sig, param) = active.unwrap_or((0, argument));
    (infos, sig as u32, param as u32)
}

impl Server {
    pub fn signature_help(&mut self, p: SignatureHelpParams) -> Answer<Option<SignatureHelp>> {
        let uri = p.text_document_position_params.text_document.uri;
        let open = self.document(&uri)?;
        let offset = open
            .doc
            .lines
            .offset(p.text_document_position_params.position);
        let root = open.analysis.read.parse.syntax();
        let Some(list) = syntax::enclosing(root, offset)
            .into_iter()
            .find(|n| n.kind() == SyntaxKind::List && syntax::head(*n).is_some())
        else {
            return Ok(None);
        };
        let head = syntax::head(list).expect("found with a head");
        if head.span().end >= offset {
            return Ok(None);
        }
        // The argument the cursor is in or before.
        let argument = syntax::forms(list)
            .iter()
            .skip(1)
            .take_while(|f| f.span().end < offset)
            .count();
        let head_pos = open.doc.lines.position(head.span().start);
        let head_text = head.text().to_string();
        let description = match self.target_at(&uri, head_pos)? {
            Some((_, target @ Target::Var { .. })) => self.describe(&uri, &target),
            Some((_, Target::Local(_))) => None,
            None => match split_symbol(&head_text) {
                (None, name) => glia_eval::special_form(name),
                _ => None,
            },
        };
        let Some(d) = description.filter(|d| !d.arglists.is_empty()) else {
            return Ok(None);
        };
        let (signatures, active_signature, active_parameter) = signatures(&d, argument);
        Ok(Some(SignatureHelp {
            signatures,
            active_signature: Some(active_signature),
            active_parameter: Some(active_parameter),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_active_parameter_follows_the_argument() {
        let d = Description {
            ns: Some("glia.core".into()),
            name: "reduce".into(),
            kind: glia_eval::Kind::Function,
            doc: None,
            arglists: vec!["[f coll]".into(), "[f val coll]".into()],
            private: false,
            dynamic: false,
            file: None,
            line: None,
        };
        let (sigs, active, param) = signatures(&d, 2);
        assert_eq!(sigs[1].label, "(reduce f val coll)");
        assert_eq!((active, param), (1, 2));
        let variadic = Description {
            arglists: vec!["[x & more]".into()],
            ..d
        };
        let (sigs, active, param) = signatures(&variadic, 5);
        assert_eq!(sigs[0].label, "(reduce x & more)");
        assert_eq!((active, param), (0, 1));
    }
}
