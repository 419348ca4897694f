//! `case`: the constants are keys of a table from value to jump target,
//! so choosing a branch is one hash lookup.

use std::rc::Rc;

use glia_syntax::{Form, FormKind, Span};

use super::{pr, syntax};
use crate::chunk::{Op, Reg};
use crate::compiler::Compiler;
use crate::convert::{Spans, form_to_value};
use crate::error::Error;
use crate::value::{Map, Value};

impl Compiler<'_> {
    /// `(case e const result ... default?)`: one hash lookup, then a jump.
    pub(super) fn compile_case(
        &mut self,
        span: Span,
        args: &[Form],
        dst: Reg,
        tail: bool,
    ) -> Result<(), Error> {
        let usage = "(case expr constant result ... default?)";
        let Some((expr, clauses)) = args.split_first() else {
            return Err(syntax(span, "`case` needs an expression", usage));
        };
        let mark = self.mark();
        let src = self.temp();
        self.compile(expr, src, false)?;
        self.release(mark);
        let has_default = clauses.len() % 2 == 1;
        // The table is filled in once the branches' addresses are known.
        let table_index = self.scope().code.constant(Value::Nil);
        self.emit(
            Op::Case {
                src,
                table: table_index,
                has_default,
            },
            span,
        );
        let mut table = Map::default();
        let mut to_end = Vec::new();
        let mut default_jump = None;
        if has_default {
            default_jump = Some(self.emit(Op::Jump { target: 0 }, span));
        }
        let ns = self.vm.current_ns.name.clone();
        for pair in clauses.chunks_exact(2) {
            let target = self.scope().code.here();
            let constants: Vec<&Form> = match &pair[0].kind {
                FormKind::List(items) if !items.is_empty() => items.iter().collect(),
                _ => vec![&pair[0]],
            };
            for c in constants {
                let v = form_to_value(c, &ns, &mut Spans::default());
                if table.contains_key(&v) {
                    return Err(syntax(
                        c.span,
                        format!("duplicate case constant `{}`", pr(c)),
                        "each constant may appear once in a case",
                    ));
                }
                table.insert(v, Value::Int(target as i64));
            }
            self.compile(&pair[1], dst, tail)?;
            to_end.push(self.emit(Op::Jump { target: 0 }, pair[1].span));
        }
        if let Some(j) = default_jump {
            self.patch_here(j);
            let default = clauses.last().expect("default clause");
            self.compile(default, dst, tail)?;
        }
        for j in to_end {
            self.patch_here(j);
        }
        self.scope().code.consts[table_index as usize] = Value::Map(Rc::new(table));
        Ok(())
    }
}
