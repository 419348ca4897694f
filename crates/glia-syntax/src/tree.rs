//! The lossless syntax tree: an arena of tokens and nodes over the source.
//!
//! Written by hand rather than with rowan: rowan allocates (or interns) a
//! green token per token and a node per node, which cost more than the
//! whole rest of parsing and kept the reader far below its 50 MB/s goal.
//! Here a tree is four vectors, built in one pass, freed in four
//! deallocations; nodes and tokens are `Copy` handles borrowing the tree.

use std::fmt;

use crate::lexer::Token;
use crate::{Span, SyntaxKind};

/// A child of a node: a token or a node, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Child {
    Token(u32),
    Node(u32),
}

#[derive(Debug, Clone)]
struct NodeData {
    kind: SyntaxKind,
    start: u32,
    end: u32,
    /// The node's children are `edges[first..first + len]`.
    first: u32,
    len: u32,
    /// The parent node, or [`NO_PARENT`] for the root.
    parent: u32,
    /// Nodes on the longest path down from here, this one included.
    height: u32,
}

/// Offsets and indices are `u32` (texts are at most 4 GiB), which keeps a
/// node at 28 bytes; the root's parent is this sentinel.
const NO_PARENT: u32 = u32::MAX;

/// A lossless syntax tree: its tokens cover the source text exactly.
#[derive(Clone)]
pub struct SyntaxTree {
    text: String,
    tokens: Vec<Token>,
    nodes: Vec<NodeData>,
    edges: Vec<Child>,
    root: u32,
}

impl SyntaxTree {
    pub(crate) fn new(text: &str, tokens: Vec<Token>, parts: TreeParts) -> Self {
        SyntaxTree {
            text: text.to_owned(),
            tokens,
            nodes: parts.nodes,
            edges: parts.edges,
            root: parts.root,
        }
    }

    pub fn root(&self) -> SyntaxNode<'_> {
        SyntaxNode {
            tree: self,
            id: self.root,
        }
    }

    /// The source text (also the text of the root).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A form nested more than `limit` deep (the root is not a form), if any:
    /// the outermost one past the limit on the deepest path.
    pub fn node_nested_beyond(&self, limit: usize) -> Option<SyntaxNode<'_>> {
        let mut node = self.root();
        if (node.data().height as usize) <= limit + 1 {
            return None;
        }
        for _ in 0..=limit {
            node = node.children().max_by_key(|child| child.data().height)?;
        }
        Some(node)
    }
}

impl fmt::Debug for SyntaxTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.root(), f)
    }
}

/// Builds a tree bottom-up: tokens are pushed in source order, and a node
/// adopts everything pushed since a checkpoint (as rowan's builder does).
pub(crate) struct TreeBuilder<'t> {
    tokens: &'t [Token],
    nodes: Vec<NodeData>,
    edges: Vec<Child>,
    /// Children not yet adopted by a node.
    pending: Vec<Child>,
}

/// A position in the builder's pending children, where a node will begin.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checkpoint(usize);

/// A built tree without its text and tokens (which the builder borrowed).
pub(crate) struct TreeParts {
    nodes: Vec<NodeData>,
    edges: Vec<Child>,
    root: u32,
}

impl<'t> TreeBuilder<'t> {
    pub(crate) fn new(tokens: &'t [Token]) -> Self {
        TreeBuilder {
            nodes: Vec::with_capacity(tokens.len() / 4),
            edges: Vec::with_capacity(tokens.len() + tokens.len() / 4),
            pending: Vec::with_capacity(64),
            tokens,
        }
    }

    pub(crate) fn token(&self, index: usize) -> Token {
        self.tokens[index]
    }

    pub(crate) fn push_token(&mut self, index: usize) {
        self.pending.push(Child::Token(index as u32));
    }

    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.pending.len())
    }

    /// Makes a node of `kind` from the children pushed since `at`.
    pub(crate) fn wrap(&mut self, at: Checkpoint, kind: SyntaxKind) {
        let id = self.nodes.len() as u32;
        let first = self.edges.len() as u32;
        let start = at.0.min(self.pending.len());
        // Children are in source order: the node spans the first's start
        // to the last's end.
        let mut span: Option<(u32, u32)> = None;
        let mut height = 1;
        for child in self.pending.drain(start..) {
            let (child_start, child_end) = match child {
                Child::Token(t) => {
                    let t = self.tokens[t as usize];
                    (t.start, t.end)
                }
                Child::Node(n) => {
                    let node = &mut self.nodes[n as usize];
                    node.parent = id;
                    height = height.max(node.height + 1);
                    (node.start, node.end)
                }
            };
            span = Some((span.map_or(child_start, |s| s.0), child_end));
            self.edges.push(child);
        }
        let (node_start, node_end) = span.unwrap_or_default();
        let len = self.edges.len() as u32 - first;
        self.nodes.push(NodeData {
            kind,
            start: node_start,
            end: node_end,
            first,
            len,
            parent: NO_PARENT,
            height,
        });
        self.pending.push(Child::Node(id));
    }

    /// Every token directly under the root: the fallback that keeps the tree
    /// lossless should the grammar ever reject a balanced stream.
    pub(crate) fn into_flat(mut self) -> TreeParts {
        self.nodes.clear();
        self.edges.clear();
        self.pending = (0..self.tokens.len() as u32).map(Child::Token).collect();
        self.finish()
    }

    /// Wraps everything into a root node.
    pub(crate) fn finish(mut self) -> TreeParts {
        self.wrap(Checkpoint(0), SyntaxKind::Root);
        TreeParts {
            root: self.nodes.len() as u32 - 1,
            nodes: self.nodes,
            edges: self.edges,
        }
    }
}

/// A node of a [`SyntaxTree`]: a cheap, copyable handle.
#[derive(Clone, Copy)]
pub struct SyntaxNode<'t> {
    tree: &'t SyntaxTree,
    id: u32,
}

/// A token of a [`SyntaxTree`]: a cheap, copyable handle.
#[derive(Clone, Copy)]
pub struct SyntaxToken<'t> {
    tree: &'t SyntaxTree,
    id: u32,
}

/// A child of a node: a node or a token.
#[derive(Debug, Clone, Copy)]
pub enum SyntaxElement<'t> {
    Node(SyntaxNode<'t>),
    Token(SyntaxToken<'t>),
}

impl<'t> SyntaxNode<'t> {
    fn data(self) -> &'t NodeData {
        &self.tree.nodes[self.id as usize]
    }

    pub fn kind(self) -> SyntaxKind {
        self.data().kind
    }

    pub fn span(self) -> Span {
        let data = self.data();
        Span::new(data.start as usize, data.end as usize)
    }

    pub fn text(self) -> &'t str {
        let span = self.span();
        &self.tree.text[span.start..span.end]
    }

    pub fn parent(self) -> Option<SyntaxNode<'t>> {
        let id = self.data().parent;
        (id != NO_PARENT).then_some(SyntaxNode {
            tree: self.tree,
            id,
        })
    }

    fn element(self, child: Child) -> SyntaxElement<'t> {
        match child {
            Child::Token(id) => SyntaxElement::Token(SyntaxToken {
                tree: self.tree,
                id,
            }),
            Child::Node(id) => SyntaxElement::Node(SyntaxNode {
                tree: self.tree,
                id,
            }),
        }
    }

    /// The children, nodes and tokens, in order.
    pub fn children_with_tokens(self) -> impl DoubleEndedIterator<Item = SyntaxElement<'t>> + 't {
        let data = self.data();
        let edges = &self.tree.edges[data.first as usize..(data.first + data.len) as usize];
        edges.iter().map(move |&child| self.element(child))
    }

    /// The child nodes, in order.
    pub fn children(self) -> impl Iterator<Item = SyntaxNode<'t>> + 't {
        self.children_with_tokens()
            .filter_map(SyntaxElement::into_node)
    }

    /// The first token of the node, in source order.
    pub fn first_token(self) -> Option<SyntaxToken<'t>> {
        match self.children_with_tokens().next()? {
            SyntaxElement::Token(t) => Some(t),
            SyntaxElement::Node(n) => n.first_token(),
        }
    }

    /// Every node and token below this node (itself included), in preorder.
    pub fn descendants_with_tokens(self) -> impl Iterator<Item = SyntaxElement<'t>> + 't {
        let mut stack = vec![SyntaxElement::Node(self)];
        std::iter::from_fn(move || {
            let next = stack.pop()?;
            if let SyntaxElement::Node(node) = next {
                stack.extend(node.children_with_tokens().rev());
            }
            Some(next)
        })
    }

    /// Every token below this node, in source order.
    pub fn tokens(self) -> impl Iterator<Item = SyntaxToken<'t>> + 't {
        self.descendants_with_tokens()
            .filter_map(SyntaxElement::into_token)
    }
}

impl<'t> SyntaxToken<'t> {
    fn data(self) -> Token {
        self.tree.tokens[self.id as usize]
    }

    pub fn kind(self) -> SyntaxKind {
        self.data().kind
    }

    pub fn span(self) -> Span {
        self.data().span()
    }

    pub fn text(self) -> &'t str {
        self.data().text(&self.tree.text)
    }
}

impl<'t> SyntaxElement<'t> {
    pub fn kind(self) -> SyntaxKind {
        match self {
            SyntaxElement::Node(n) => n.kind(),
            SyntaxElement::Token(t) => t.kind(),
        }
    }

    pub fn span(self) -> Span {
        match self {
            SyntaxElement::Node(n) => n.span(),
            SyntaxElement::Token(t) => t.span(),
        }
    }

    pub fn text(self) -> &'t str {
        match self {
            SyntaxElement::Node(n) => n.text(),
            SyntaxElement::Token(t) => t.text(),
        }
    }

    pub fn into_node(self) -> Option<SyntaxNode<'t>> {
        match self {
            SyntaxElement::Node(n) => Some(n),
            SyntaxElement::Token(_) => None,
        }
    }

    pub fn into_token(self) -> Option<SyntaxToken<'t>> {
        match self {
            SyntaxElement::Token(t) => Some(t),
            SyntaxElement::Node(_) => None,
        }
    }
}

/// The node's text: the source it covers, byte for byte.
impl fmt::Display for SyntaxNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// The tree below the node, one element a line: `Kind@start..end`, then
/// the text of tokens. Iterative, so any depth of nesting prints.
impl fmt::Debug for SyntaxNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut stack = vec![(SyntaxElement::Node(*self), 0usize)];
        while let Some((element, depth)) = stack.pop() {
            let span = element.span();
            write!(
                f,
                "{:indent$}{:?}@{}..{}",
                "",
                element.kind(),
                span.start,
                span.end,
                indent = depth * 2
            )?;
            match element {
                SyntaxElement::Token(t) => writeln!(f, " {:?}", t.text())?,
                SyntaxElement::Node(n) => {
                    writeln!(f)?;
                    stack.extend(n.children_with_tokens().rev().map(|c| (c, depth + 1)));
                }
            }
        }
        Ok(())
    }
}

impl fmt::Debug for SyntaxToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let span = self.span();
        write!(
            f,
            "{:?}@{}..{} {:?}",
            self.kind(),
            span.start,
            span.end,
            self.text()
        )
    }
}
