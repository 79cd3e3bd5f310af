//! Finding a layer: `/` searches labels, `n`/`N` step through the matches,
//! `e` goes to the next broken layer, `:` goes to a layer by its number or
//! path (`5.2.1`). Each walks every layer, those in folded containers too,
//! and opens what hides the one it selects.

use super::app::{App, Mode};
use super::history::Path;
use crate::engine::Status;
use crate::layer::Layer;
use crate::network::Network;
use tui_input::Input;

/// Every layer's path, in the order the table lists them (a container, then
/// what its branches hold).
pub fn paths(net: &Network) -> Vec<Path> {
    fn walk(layers: &[Layer], at: &mut Path, out: &mut Vec<Path>) {
        for (i, l) in layers.iter().enumerate() {
            at.push(i);
            out.push(at.clone());
            for (b, branch) in l.branches.iter().enumerate() {
                at.push(b);
                walk(branch, at, out);
                at.pop();
            }
            at.pop();
        }
    }
    let mut out = Vec::new();
    walk(&net.layers, &mut Vec::new(), &mut out);
    out
}

/// Text as search compares it: lower case, `×` typed as `x` too.
fn folded(text: &str) -> String {
    text.to_lowercase().replace('×', "x")
}

/// Whether `layer` matches the query (already `folded`): its label, which
/// begins with its type (`conv 3×3 ×64 s1 p1 relu`).
pub fn matches(layer: &Layer, query: &str) -> bool {
    !query.is_empty() && folded(&layer.label()).contains(query)
}

/// The inverse of `Network::path_label`: `14` → `[13]`, `5.2.1` (layer 1 of
/// branch 2 of merge 5) → `[4, 1, 0]`, `3.2` (layer 2 of block 3) → `[2, 0, 1]`.
pub fn parse_path(net: &Network, text: &str) -> Option<Path> {
    let numbers: Vec<usize> = text
        .trim()
        .split('.')
        .map(|n| n.trim().parse::<usize>().ok()?.checked_sub(1))
        .collect::<Option<_>>()?;
    let (&top, mut rest) = numbers.split_first()?;
    let mut path = vec![top];
    let mut layer = net.layers.get(top)?;
    while !rest.is_empty() {
        let (branch, index, more) = match rest {
            [b, i, more @ ..] if layer.kind.is_merge() => (*b, *i, more),
            [i, more @ ..] if !layer.kind.is_merge() => (0, *i, more),
            _ => return None,
        };
        layer = layer.branches.get(branch)?.get(index)?;
        path.extend([branch, index]);
        rest = more;
    }
    Some(path)
}

impl App {
    /// `/`: a search prompt in the footer; matches light up as it is typed.
    pub(super) fn start_search(&mut self) {
        self.mode = Mode::Search {
            input: Input::default(),
        };
    }

    /// The query being typed or last searched, `folded`.
    pub fn search_query(&self) -> Option<String> {
        match &self.mode {
            Mode::Search { input } => Some(folded(input.value().trim())),
            _ => self.search.as_deref().map(folded),
        }
        .filter(|q| !q.is_empty())
    }

    /// Enter in the search prompt: keeps the query and selects the first
    /// match after the selection.
    pub(super) fn search_for(&mut self, query: String) {
        let query = query.trim().to_string();
        if query.is_empty() {
            self.search = None;
            return;
        }
        self.search = Some(query);
        self.step_search(true);
    }

    /// `n` (forward) and `N`: the next or previous match, wrapping around.
    pub(super) fn step_search(&mut self, forward: bool) {
        let Some(query) = self.search_query() else {
            return self.fail(t!("find-no-search"));
        };
        let net = self.doc().net();
        let all = paths(net);
        let found: Vec<usize> = (0..all.len())
            .filter(|&i| net.layer_at(&all[i]).is_some_and(|l| matches(l, &query)))
            .collect();
        if found.is_empty() {
            let query = self.search.clone().unwrap_or_default();
            return self.fail(t!("find-no-match", query = query));
        }
        let here = self.selected_path();
        let at = here.and_then(|p| all.iter().position(|q| *q == p));
        // From the input row, forward starts at the first layer.
        let next = match (forward, at) {
            (true, None) => found[0],
            (true, Some(a)) => found.iter().copied().find(|&i| i > a).unwrap_or(found[0]),
            (false, None) => found[found.len() - 1],
            (false, Some(a)) => (found.iter().rev().copied())
                .find(|&i| i < a)
                .unwrap_or(found[found.len() - 1]),
        };
        let number = found.iter().position(|&i| i == next).unwrap_or(0) + 1;
        let path = all[next].clone();
        let label = net.layer_at(&path).map(Layer::label).unwrap_or_default();
        self.select_path(&path);
        self.say(t!(
            "find-match",
            n = number.to_string(),
            of = found.len().to_string(),
            layer = self.doc().net().path_label(&path),
            label = label
        ));
    }

    /// `e`: the next layer that cannot be computed, wrapping around.
    pub(super) fn next_broken(&mut self) {
        let net = self.doc().net();
        let analysis = self.doc().analysis();
        let all = paths(net);
        let is_broken = |i: &usize| {
            (analysis.row_at(&all[*i])).is_some_and(|r| matches!(r.status, Status::Error(_)))
        };
        let candidates: Vec<usize> = (0..all.len()).filter(is_broken).collect();
        // A block is red because a layer in it is: go to that layer, the
        // innermost, not to the block around it first.
        let broken: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| {
                !candidates
                    .iter()
                    .any(|&j| all[j].len() > all[i].len() && all[j].starts_with(&all[i]))
            })
            .collect();
        let Some(&first) = broken.first() else {
            return self.say(t!("find-nothing-broken"));
        };
        let at = self
            .selected_path()
            .and_then(|p| all.iter().position(|q| *q == p));
        let next = match at {
            Some(a) => broken.iter().copied().find(|&i| i > a).unwrap_or(first),
            None => first,
        };
        let path = all[next].clone();
        self.select_path(&path);
    }

    /// `:` then a number or path, Enter: selects that layer.
    pub(super) fn go_to(&mut self, text: &str) -> Result<(), String> {
        let net = self.doc().net();
        match parse_path(net, text) {
            Some(path) => {
                self.select_path(&path);
                Ok(())
            }
            None => Err(t!(
                "find-no-such-layer",
                text = text.trim().to_string(),
                n = net.layers.len().to_string()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn paths_read_back_their_labels() {
        for name in ["lenet", "resnet18", "unet", "gpt2"] {
            let net = presets::load(name).unwrap();
            for p in paths(&net) {
                let label = net.path_label(&p);
                assert_eq!(parse_path(&net, &label), Some(p), "{name} {label}");
            }
        }
    }

    #[test]
    fn no_such_path_is_none() {
        let net = presets::load("lenet").unwrap();
        for bad in ["0", "10", "1.1", "", "x", "-1", "3..1"] {
            assert_eq!(parse_path(&net, bad), None, "{bad}");
        }
    }

    #[test]
    fn search_reads_a_cross_as_x_and_ignores_case() {
        let net = presets::load("vgg16").unwrap();
        let hits = |q: &str| {
            let q = folded(q);
            net.layers.iter().filter(|l| matches(l, &q)).count()
        };
        assert_eq!(hits("3×3"), 13);
        assert_eq!(hits("3x3"), 13);
        assert_eq!(hits("DENSE"), 3);
        assert_eq!(hits(""), 0);
    }
}
