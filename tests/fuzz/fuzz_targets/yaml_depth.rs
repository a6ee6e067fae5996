//! `yaml::flow_depth_bound` must never be below the flow depth libyaml's scanner
//! actually reaches (that bound is what keeps deep `[[[…` from making YAML parsing
//! quadratic), and parsing any YAML through `yaml::from_str` must stay fast.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::mem::MaybeUninit;
use unsafe_libyaml::*;

/// The deepest flow level libyaml's scanner reaches on `text`, up to its first error.
fn scanner_depth(text: &str) -> usize {
    let (mut level, mut max) = (0usize, 0usize);
    unsafe {
        let mut parser = MaybeUninit::<yaml_parser_t>::uninit();
        assert!(yaml_parser_initialize(parser.as_mut_ptr()).ok);
        let parser = parser.as_mut_ptr();
        yaml_parser_set_input_string(parser, text.as_ptr(), text.len() as _);
        let mut token = MaybeUninit::<yaml_token_t>::uninit();
        while yaml_parser_scan(parser, token.as_mut_ptr()).ok {
            let kind = (*token.as_ptr()).type_;
            yaml_token_delete(token.as_mut_ptr());
            match kind {
                YAML_FLOW_SEQUENCE_START_TOKEN | YAML_FLOW_MAPPING_START_TOKEN => {
                    level += 1;
                    max = max.max(level);
                }
                YAML_FLOW_SEQUENCE_END_TOKEN | YAML_FLOW_MAPPING_END_TOKEN => {
                    level = level.saturating_sub(1);
                }
                YAML_STREAM_END_TOKEN => break,
                _ => {}
            }
        }
        yaml_parser_delete(parser);
    }
    max
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let bound = lantern::yaml::flow_depth_bound(text);
    // Above the limit the text is refused before libyaml sees it; below it the
    // bound must hold (and libyaml's scan stays cheap unless it does not).
    if bound <= lantern::yaml::MAX_FLOW_DEPTH {
        let real = scanner_depth(text);
        assert!(bound >= real, "bound {bound} < real depth {real}");
    }
    let _ = lantern::yaml::from_str::<serde_json::Value>(text);
});
