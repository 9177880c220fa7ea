//! The analytic memory model against totals computed by hand from the storage table of
//! docs/memory.md, and the properties a saving must have (identity, dense > compact, monotonic).

use fspinn_model::memory::{
    components, footprint_bytes, InhibitoryStorage, Kind, MemoryReport, NetworkShape,
    EXCITATORY_PARAM_FIELDS, INHIBITORY_PARAM_FIELDS, MAX_SIZE, MNIST_INPUTS, SYNAPSE_PARAM_FIELDS,
};
use fspinn_model::params::BaselineParams;
use fspinn_model::precision::Precision;
use fspinn_model::{ModelError, Variant};

fn p(name: &str) -> Precision {
    name.parse().unwrap()
}

fn shape(variant: Variant, neurons: u64, precision: &str) -> NetworkShape {
    NetworkShape {
        variant,
        neurons,
        inputs: MNIST_INPUTS,
        precision: p(precision),
        inhibition: InhibitoryStorage::Scalars,
    }
}

fn dense(mut s: NetworkShape) -> NetworkShape {
    s.inhibition = InhibitoryStorage::Dense;
    s
}

fn report(s: NetworkShape) -> MemoryReport {
    MemoryReport::new(&s).unwrap()
}

// fp32 baseline, N = 400 (every value 4 bytes):
//   weights     784*400*4                         = 1,254,400
//   state       5 (v, ge, gi, theta, refr)*400*4  =     8,000
//   traces      784*4 + 2 (post1, post2)*400*4    =     6,336
//   inhibitory  3 (v, ge, refr)*400*4 + 2*4       =     4,808   (dense: 4,800 + 2*400^2*4 = 1,284,800)
//   params      31*4                              =       124
//   total                                         = 1,273,668   (dense: 2,553,660)
const BASELINE_400: u64 = 1_273_668;
const BASELINE_400_DENSE: u64 = 2_553_660;

#[test]
fn baseline_fp32_n100_compact_and_dense_match_hand_counts() {
    // weights 784*100*4 = 313,600; state 5*100*4 = 2,000; traces 784*4 + 2*100*4 = 3,936;
    // inhibitory 3*100*4 + 2*4 = 1,208; params 31*4 = 124; total 320,868.
    let r = report(shape(Variant::Baseline, 100, "fp32"));
    assert_eq!(r.weights_bytes, 313_600);
    assert_eq!(r.neuron_state_bytes, 2_000);
    assert_eq!(r.traces_bytes, 3_936);
    assert_eq!(r.inhibitory_bytes, 1_208);
    assert_eq!(r.neuron_params_bytes, 124);
    assert_eq!(r.bytes, 320_868);
    assert_eq!(r.bits, 320_868 * 8);
    assert_eq!(r.baseline_bytes, 320_868);
    assert_eq!(r.inhibitory_storage, "scalars");

    // Dense: the inhibitory layer becomes 3*100*4 + 2*100*100*4 = 1,200 + 80,000 = 81,200;
    // total 313,600 + 2,000 + 3,936 + 81,200 + 124 = 400,860.
    let d = report(dense(shape(Variant::Baseline, 100, "fp32")));
    assert_eq!(d.inhibitory_bytes, 81_200);
    assert_eq!(d.bytes, 400_860);
    assert_eq!(d.baseline_dense_bytes, 400_860);
    assert_eq!(d.baseline_bytes, 320_868);
    assert_eq!(d.saving, 320_868.0 / 400_860.0);
    assert_eq!(d.inhibitory_storage, "dense");
}

#[test]
fn baseline_fp32_n400_is_the_documented_reference() {
    let r = report(shape(Variant::Fspinn, 400, "w8"));
    assert_eq!(r.baseline_bytes, BASELINE_400);
    assert_eq!(r.baseline_dense_bytes, BASELINE_400_DENSE);
    let d = report(dense(shape(Variant::Baseline, 400, "fp32")));
    assert_eq!(d.inhibitory_bytes, 1_284_800);
    assert_eq!(d.bytes, BASELINE_400_DENSE);
}

#[test]
fn fspinn_w8_n400_matches_hand_count() {
    // weights 784*400*8 bits = 313,600 B
    // state   v 400*16 b = 800 B, theta 400*16 b = 800 B, refr 400*4 b = 200 B  -> 1,800
    // traces  pre 784*8 b = 784 B, post 400*8 b = 400 B                         -> 1,184
    // params  (14 exc + 9 syn + 3 FSpiNN) * 4 B = 104;  inhibitory 0
    // total   313,600 + 1,800 + 1,184 + 104 = 316,688
    let r = report(shape(Variant::Fspinn, 400, "w8"));
    assert_eq!(r.weights_bytes, 313_600);
    assert_eq!(r.neuron_state_bytes, 1_800);
    assert_eq!(r.traces_bytes, 1_184);
    assert_eq!(r.neuron_params_bytes, 104);
    assert_eq!(r.inhibitory_bytes, 0);
    assert_eq!(r.bytes, 316_688);
    assert_eq!(r.inhibitory_storage, "none");
    // 1,273,668 / 316,688 = 4.0218...; 2,553,660 / 316,688 = 8.0636...
    assert_eq!(r.saving, 1_273_668.0 / 316_688.0);
    assert!((r.saving - 4.0218).abs() < 1e-4, "{}", r.saving);
    assert!(
        (r.saving_vs_dense - 8.0636).abs() < 1e-4,
        "{}",
        r.saving_vs_dense
    );
}

#[test]
fn fspinn_w4_n400_beats_the_papers_7_5x_against_the_compact_baseline() {
    // weights 784*400*4 bits = 156,800 B; state 1,800; traces 1,184; params 104 (as for w8)
    // total   156,800 + 1,800 + 1,184 + 104 = 159,888
    // saving  1,273,668 / 159,888 = 7.96600...  (159,888 * 7.966 = 1,273,667.8)
    // vs dense 2,553,660 / 159,888 = 15.97155...
    let r = report(shape(Variant::Fspinn, 400, "w4"));
    assert_eq!(r.weights_bytes, 156_800);
    assert_eq!(r.bytes, 159_888);
    assert_eq!(r.saving, 1_273_668.0 / 159_888.0);
    assert!(r.saving > 7.5);
    assert!((r.saving - 7.96600).abs() < 1e-5, "{}", r.saving);
    assert!(
        (r.saving_vs_dense - 15.97155).abs() < 1e-5,
        "{}",
        r.saving_vs_dense
    );
}

#[test]
fn fspinn_at_fp32_saves_only_what_its_structure_removes() {
    // Everything 32 bits: weights 1,254,400; state 3*400*4 = 4,800; traces 784*4 + 400*4 = 4,736;
    // params 26*4 = 104; total 1,264,040. The structural saving alone is 9,628 B (< 1 %).
    let r = report(shape(Variant::Fspinn, 400, "fp32"));
    assert_eq!(r.bytes, 1_264_040);
    assert_eq!(BASELINE_400 - r.bytes, 9_628);
}

#[test]
fn baseline_at_w8_uses_the_fixed_point_state_widths() {
    // weights 313,600; state v, ge, gi 3*400*16 b = 2,400 + theta 800 + refr 200 = 3,400;
    // traces 784 + 400 + 400 = 1,584; inhibitory v 800 + ge 800 + refr 200 + 2 scalars 8 = 1,808;
    // params 124; total 320,516. Dense: inhibitory 1,800 + 2*400^2*8 b = 321,800; total 640,508.
    assert_eq!(report(shape(Variant::Baseline, 400, "w8")).bytes, 320_516);
    let d = report(dense(shape(Variant::Baseline, 400, "w8")));
    assert_eq!(d.inhibitory_bytes, 321_800);
    assert_eq!(d.bytes, 640_508);
}

#[test]
fn each_component_is_packed_on_its_own() {
    // FSpiNN w3, N = 1, 3 inputs: weights 9 b -> 2 B; v 16 b -> 2; theta 16 b -> 2; refr 4 b -> 1;
    // pre traces 24 b -> 3; post trace 8 b -> 1; params 26*32 = 832 b -> 104.
    // bits 909, bytes 115 (more than ceil(909/8) = 114: packing does not cross components).
    let s = NetworkShape {
        inputs: 3,
        ..shape(Variant::Fspinn, 1, "w3")
    };
    let r = report(s);
    assert_eq!(r.bits, 909);
    assert_eq!(r.bytes, 115);
    let weights = &r.components[0];
    assert_eq!(
        (
            weights.count,
            weights.bits_each,
            weights.bits,
            weights.bytes
        ),
        (3, 3, 9, 2)
    );
}

#[test]
fn the_baseline_saves_exactly_nothing_against_itself() {
    for n in [1, 100, 400, 1600, 6400] {
        let r = report(shape(Variant::Baseline, n, "fp32"));
        assert_eq!(r.bytes, r.baseline_bytes);
        assert_eq!(r.saving, 1.0);
        // At N = 1 a dense 1 x 1 matrix is one value, as big as the scalar it replaces.
        assert_eq!(r.saving_vs_dense > 1.0, n > 1, "N={n}");
    }
}

#[test]
fn saving_against_dense_exceeds_saving_against_compact() {
    // From N = 2 on: at N = 1 the two 1 x 1 matrices are the two scalars (see above).
    for n in [2, 10, 400, 4900] {
        for prec in ["fp32", "w16", "w8", "w4", "w2"] {
            for variant in [Variant::Baseline, Variant::Fspinn] {
                let r = report(shape(variant, n, prec));
                assert!(
                    r.saving_vs_dense > r.saving,
                    "{variant} N={n} {prec}: {} <= {}",
                    r.saving_vs_dense,
                    r.saving
                );
                // The gap is exactly the dense matrices minus the two scalars they replace.
                assert_eq!(
                    r.baseline_dense_bytes - r.baseline_bytes,
                    2 * n * n * 4 - 2 * 4
                );
            }
        }
    }
}

#[test]
fn memory_grows_with_weight_bits_and_saving_shrinks() {
    for variant in [Variant::Baseline, Variant::Fspinn] {
        let mut last: Option<MemoryReport> = None;
        for bits in 2..=16 {
            let r = report(shape(variant, 400, &format!("w{bits}")));
            if let Some(prev) = &last {
                // One more weight bit costs exactly 784*400/8 = 39,200 bytes.
                assert_eq!(r.bytes - prev.bytes, 39_200, "{variant} w{bits}");
                assert!(r.saving < prev.saving);
            }
            last = Some(r);
        }
        let fp32 = report(shape(variant, 400, "fp32"));
        assert!(fp32.bytes > last.unwrap().bytes);
    }
}

#[test]
fn report_sums_are_consistent_with_components() {
    for s in [
        shape(Variant::Fspinn, 400, "w4"),
        dense(shape(Variant::Baseline, 777, "w5")),
    ] {
        let r = report(s);
        let cs = components(&s).unwrap();
        assert_eq!(r.components, cs);
        assert_eq!(r.bytes, cs.iter().map(|c| c.bytes).sum::<u64>());
        assert_eq!(
            r.bytes,
            r.weights_bytes
                + r.neuron_state_bytes
                + r.neuron_params_bytes
                + r.traces_bytes
                + r.inhibitory_bytes
        );
        for c in &cs {
            assert_eq!(c.bits, c.count * c.bits_each as u64, "{}", c.name);
            assert_eq!(c.bytes, c.bits.div_ceil(8), "{}", c.name);
        }
        assert_eq!(footprint_bytes(&s).unwrap(), r.bytes);
    }
}

#[test]
fn fspinn_stores_no_conductances_no_post2_and_no_inhibitory_layer() {
    let cs = components(&shape(Variant::Fspinn, 400, "w8")).unwrap();
    let names: Vec<_> = cs.iter().map(|c| c.name).collect();
    for absent in ["exc_ge", "exc_gi", "post2_trace", "inh_v"] {
        assert!(!names.contains(&absent), "{names:?}");
    }
    assert!(cs.iter().all(|c| c.kind != Kind::Inhibitory));
}

#[test]
fn parameter_counts_match_the_parameter_structs() {
    let v = serde_json::to_value(BaselineParams::default()).unwrap();
    let fields = |section: &str| v[section].as_object().unwrap().len() as u64;
    assert_eq!(fields("exc"), EXCITATORY_PARAM_FIELDS);
    assert_eq!(fields("inh"), INHIBITORY_PARAM_FIELDS);
    assert_eq!(fields("syn"), SYNAPSE_PARAM_FIELDS);
}

#[test]
fn bad_sizes_and_dense_fspinn_are_rejected_with_the_field_named() {
    let field_of = |s: NetworkShape| match MemoryReport::new(&s) {
        Err(ModelError::InvalidParam { field, .. }) => field,
        other => panic!("expected InvalidParam, got {other:?}"),
    };
    assert_eq!(field_of(shape(Variant::Fspinn, 0, "w4")), "neurons");
    assert_eq!(
        field_of(shape(Variant::Baseline, MAX_SIZE + 1, "fp32")),
        "neurons"
    );
    let no_inputs = NetworkShape {
        inputs: 0,
        ..shape(Variant::Fspinn, 10, "w4")
    };
    assert_eq!(field_of(no_inputs), "inputs");
    assert_eq!(
        field_of(dense(shape(Variant::Fspinn, 10, "w4"))),
        "inhibition"
    );
    // The largest accepted size counts without overflow: 2^40 dense pairs of 32 bits.
    let big = report(dense(shape(Variant::Baseline, MAX_SIZE, "fp32")));
    assert_eq!(
        big.inhibitory_bytes,
        3 * MAX_SIZE * 4 + 2 * MAX_SIZE * MAX_SIZE * 4
    );
}
