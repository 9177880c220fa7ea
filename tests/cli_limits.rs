//! Huge sizes, counts, offsets, durations and thread counts are refused before any allocation
//! or simulation, with an error naming the flag, the value and the limit (issue 14, item 3).

mod common;

use common::{fspinn, stderr};

#[test]
fn huge_values_are_refused_with_the_flag_the_value_and_the_limit() {
    let max = "18446744073709551615";
    let cases: [(&[&str], &str, &str); 10] = [
        (
            &["train", "--neurons", "1000000000"],
            "--neurons 1000000000",
            "limit of 65536",
        ),
        (
            &[
                "sim",
                "--config",
                "small",
                "--builtin",
                "--neurons",
                "1000000000",
            ],
            "--neurons 1000000000",
            "limit of 65536",
        ),
        (
            &["sim", "--config", "small", "--builtin", "--offset", max],
            "--offset 18446744073709551615",
            "limit of 10000000",
        ),
        (
            &["sim", "--config", "small", "--builtin", "--samples", max],
            "--samples 18446744073709551615",
            "limit of 10000000",
        ),
        (
            &["train", "--presentation-ms", "1e9"],
            "--presentation-ms 1000000000",
            "limit of 10000",
        ),
        (
            &[
                "train",
                "--variant",
                "fspinn",
                "--set",
                "presentation_ms=1e9",
            ],
            "presentation_ms = 1000000000",
            "limit of 10000",
        ),
        (
            &["train", "--dt-ms", "0.00001"],
            "--presentation-ms / --dt-ms",
            "presentation_steps = 35000000 is above the limit of 100000",
        ),
        (
            &["train", "--threads", "100000"],
            "--threads 100000",
            "limit of 1024",
        ),
        (
            &["train", "--epochs", "4000000000"],
            "--epochs 4000000000",
            "limit of 1000",
        ),
        (
            &["train", "--train-samples", max],
            "--train-samples 18446744073709551615",
            "limit of 10000000",
        ),
    ];
    for (args, flag, limit) in cases {
        let o = fspinn(args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
        assert!(e.contains(flag) && e.contains(limit), "{args:?}: {e}");
        assert!(!e.contains("panicked"), "{args:?}: {e}");
    }
}
