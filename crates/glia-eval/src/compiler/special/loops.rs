//! `loop` and `recur`. A loop's bindings are consecutive registers that
//! `recur` overwrites before jumping back to the loop head (or, outside
//! any loop, to the top of the fn).

use glia_syntax::{Form, Span};

use super::{let_form, syntax};
use crate::builtins::plural;
use crate::chunk::{Op, Reg};
use crate::compiler::recur_in_place::recur_in_place;
use crate::compiler::scope::LoopTarget;
use crate::compiler::{Compiler, scope_moves};
use crate::error::Error;

impl Compiler<'_> {
    pub(super) fn compile_loop(
        &mut self,
        span: Span,
        args: &[Form],
        dst: Reg,
        tail: bool,
    ) -> Result<(), Error> {
        let pairs = self.bindings(span, "loop", args.first())?;
        let mark = self.scope_mark();
        let simple = pairs.chunks(2).all(|p| p[0].as_simple_symbol().is_some());
        let (names, body): (Vec<Form>, Vec<Form>) = if simple {
            (
                pairs.chunks(2).map(|p| p[0].clone()).collect(),
                args[1..].to_vec(),
            )
        } else {
            // Loop over plain names; destructure them afresh in each iteration.
            let gs: Vec<Form> = self.destructure(|_, d| {
                Ok(pairs
                    .chunks(2)
                    .map(|p| d.gensym("loop", p[0].span))
                    .collect())
            })?;
            let mut inner = Vec::new();
            for (p, g) in pairs.chunks(2).zip(&gs) {
                inner.push(p[0].clone());
                inner.push(g.clone());
            }
            (gs, vec![let_form(inner, &args[1..], span)])
        };
        let first = self.scope().code.next_slot;
        for (name, pair) in names.iter().zip(pairs.chunks(2)) {
            self.bind_local(name, &pair[1])?;
        }
        let outer = self.scope().code.loop_target;
        let outer_calls_not_tail = self.scope().code.calls_not_tail;
        let start = self.scope().code.here();
        let try_depth = self.scope().code.try_depth;
        let code = &mut self.scope().code;
        code.loop_target = Some(LoopTarget {
            start,
            first,
            n: names.len() as u16,
            try_depth,
        });
        // The loop body is in tail position for `recur`; its calls are tail
        // calls only if the loop itself is in the fn's tail position.
        code.calls_not_tail = outer_calls_not_tail || !tail;
        let result = self.compile_do(span, &body, dst, true);
        let code = &mut self.scope().code;
        code.loop_target = outer;
        code.calls_not_tail = outer_calls_not_tail;
        result?;
        self.scope_reset(mark);
        Ok(())
    }

    pub(super) fn compile_recur(
        &mut self,
        span: Span,
        args: &[Form],
        tail: bool,
    ) -> Result<(), Error> {
        let Some(target) = self.scope().code.loop_target else {
            if let Some(form) = self.scope().recur_barrier {
                return Err(syntax(
                    span,
                    format!("`recur` across `{form}`"),
                    format!("move the loop inside the {form} body"),
                ));
            }
            return Err(syntax(
                span,
                "`recur` outside `loop` or `fn`",
                "recur jumps back to the innermost loop or fn head",
            ));
        };
        if !tail {
            return Err(syntax(
                span,
                "`recur` is not in tail position",
                "recur must be the last thing its loop or fn does; its value cannot be used by anything else",
            ));
        }
        if target.try_depth != self.scope().code.try_depth {
            return Err(syntax(
                span,
                "`recur` across `try`",
                "move the loop inside the try, or the try inside the loop body",
            ));
        }
        if args.len() != target.n as usize {
            return Err(syntax(
                span,
                format!(
                    "`recur` needs {} here, got {}",
                    plural(target.n.into(), "argument"),
                    args.len()
                ),
                "recur passes one value for each loop binding (or fn parameter, the rest counting as one)",
            ));
        }
        let start = self.scope().code.ops.len();
        let mark = self.mark();
        let from = self.compile_consecutive(args)?;
        self.release(mark);
        scope_moves(&mut self.scope().code, start, target.first);
        let n = recur_in_place(
            &mut self.scope().code.ops[start..],
            target.first,
            from,
            target.n,
        );
        self.emit(
            Op::Recur {
                first: target.first,
                from,
                n,
                target: target.start,
                fast: false,
            },
            span,
        );
        Ok(())
    }
}
