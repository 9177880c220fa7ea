//! The embedded MNIST subset: contents, checksums (code, files and README agree), and equality with real MNIST.

use std::path::PathBuf;

use fspinn_model::data::{builtin, load, DatasetKind, LoadOptions, Split, BUILTIN_FILES};
use sha2::{Digest, Sha256};

fn subset_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/mnist-subset")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn builtin_subset_has_known_contents() {
    let train = builtin(Split::Train);
    assert_eq!(
        (train.kind, train.split, train.len()),
        (DatasetKind::Mnist, Split::Train, 1000)
    );
    assert_eq!(&train.labels()[..5], &[5, 0, 4, 1, 9]);
    assert_eq!(train.pixels_per_image(), 784);
    let test = builtin(Split::Test);
    assert_eq!((test.split, test.len()), (Split::Test, 300));
    assert_eq!(&test.labels()[..5], &[7, 2, 1, 0, 4]);
    // every class is present in both parts
    for ds in [&train, &test] {
        assert!((0..10).all(|c| ds.labels().contains(&c)));
    }
}

#[test]
fn builtin_checksums_match_files_and_readme() {
    let readme = std::fs::read_to_string(subset_dir().join("README.md")).unwrap();
    for f in &BUILTIN_FILES {
        let on_disk = std::fs::read(subset_dir().join(f.file_name)).unwrap();
        assert_eq!(
            on_disk, f.bytes,
            "{} differs from the embedded copy",
            f.file_name
        );
        assert_eq!(
            hex(&Sha256::digest(&on_disk)),
            f.checksums.file_sha256,
            "{}",
            f.file_name
        );
        let row = readme
            .lines()
            .find(|l| {
                l.starts_with(&format!(
                    "| `{}` | {}",
                    f.file_name, f.checksums.file_sha256
                ))
            })
            .unwrap_or_else(|| panic!("README.md lacks the checksum row of {}", f.file_name));
        assert!(row.contains(f.checksums.content_sha256), "{row}");
    }
    assert!(readme.contains("CC BY-SA 3.0") && readme.contains("LeCun"));
}

#[test]
fn builtin_equals_the_first_items_of_real_mnist() {
    let Some(root) = std::env::var_os("FSPINN_DATA").filter(|v| !v.is_empty()) else {
        eprintln!("note: FSPINN_DATA is not set; skipping the comparison with real MNIST");
        return;
    };
    let root = PathBuf::from(root);
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = [root.join("mnist"), workspace.join(&root).join("mnist")]
        .into_iter()
        .find(|d| d.is_dir())
        .expect("FSPINN_DATA has no mnist/ directory");
    for (split, n) in [(Split::Train, 1000), (Split::Test, 300)] {
        let opts = LoadOptions {
            limit: Some(n),
            verify_checksum: true,
        };
        let real = load(&dir, DatasetKind::Mnist, split, &opts).unwrap();
        assert_eq!(real, builtin(split), "{split}");
    }
}
