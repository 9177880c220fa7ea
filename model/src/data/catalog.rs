//! The known files of each dataset with their sizes and SHA-256 checksums (original .gz and decompressed).

use super::kind::{DatasetKind, FileRole, Split};

/// The two SHA-256 sums a file may match (lower-case hex).
///
/// Both are kept because copies in the wild are not always the original bytes:
/// Debian re-gzips Fashion-MNIST with `gzip -n`, and some users keep the files
/// uncompressed. Such a copy is accepted when its decompressed content matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checksums {
    /// SHA-256 of the original file as published (gzip).
    pub file_sha256: &'static str,
    /// SHA-256 of the decompressed IDX content (header and data).
    pub content_sha256: &'static str,
}

impl Checksums {
    /// Whether a file with these hashes is the catalogued one: either the very
    /// file, or any (re-)compressed or uncompressed copy with the same content.
    pub fn accepts(&self, file_sha256: &str, content_sha256: &str) -> bool {
        file_sha256.eq_ignore_ascii_case(self.file_sha256)
            || content_sha256.eq_ignore_ascii_case(self.content_sha256)
    }
}

/// One published file of a dataset, as downloaded from the mirrors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogEntry {
    pub kind: DatasetKind,
    pub split: Split,
    pub role: FileRole,
    /// The published file name, e.g. `train-images-idx3-ubyte.gz`.
    pub file_name: &'static str,
    /// Size of the published .gz in bytes.
    pub file_bytes: u64,
    /// Size of the decompressed IDX content in bytes.
    pub content_bytes: u64,
    /// Number of images or labels in the file.
    pub count: usize,
    pub checksums: Checksums,
}

macro_rules! entry {
    ($kind:ident, $split:ident, $role:ident, $name:literal, $fbytes:literal, $fsha:literal, $cbytes:literal, $csha:literal, $count:literal) => {
        CatalogEntry {
            kind: DatasetKind::$kind,
            split: Split::$split,
            role: FileRole::$role,
            file_name: $name,
            file_bytes: $fbytes,
            content_bytes: $cbytes,
            count: $count,
            checksums: Checksums {
                file_sha256: $fsha,
                content_sha256: $csha,
            },
        }
    };
}

/// Every known file; sums from `../shared/data/*/SHA256SUMS` and the decompressed originals.
pub const CATALOG: [CatalogEntry; 8] = [
    entry!(
        Mnist,
        Train,
        Images,
        "train-images-idx3-ubyte.gz",
        9_912_422,
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        47_040_016,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        60_000
    ),
    entry!(
        Mnist,
        Train,
        Labels,
        "train-labels-idx1-ubyte.gz",
        28_881,
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        60_008,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        60_000
    ),
    entry!(
        Mnist,
        Test,
        Images,
        "t10k-images-idx3-ubyte.gz",
        1_648_877,
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        7_840_016,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        10_000
    ),
    entry!(
        Mnist,
        Test,
        Labels,
        "t10k-labels-idx1-ubyte.gz",
        4_542,
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        10_008,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        10_000
    ),
    entry!(
        FashionMnist,
        Train,
        Images,
        "train-images-idx3-ubyte.gz",
        26_421_880,
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        47_040_016,
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        60_000
    ),
    entry!(
        FashionMnist,
        Train,
        Labels,
        "train-labels-idx1-ubyte.gz",
        29_515,
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        60_008,
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        60_000
    ),
    entry!(
        FashionMnist,
        Test,
        Images,
        "t10k-images-idx3-ubyte.gz",
        4_422_102,
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        7_840_016,
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        10_000
    ),
    entry!(
        FashionMnist,
        Test,
        Labels,
        "t10k-labels-idx1-ubyte.gz",
        5_148,
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        10_008,
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        10_000
    ),
];

/// The catalogue entry of one file.
pub fn entry(kind: DatasetKind, split: Split, role: FileRole) -> &'static CatalogEntry {
    CATALOG
        .iter()
        .find(|e| e.kind == kind && e.split == split && e.role == role)
        .expect("the catalogue covers every kind, split and role")
}

/// The four files of a dataset, in the order train images, train labels, test images, test labels.
pub fn entries(kind: DatasetKind) -> impl Iterator<Item = &'static CatalogEntry> {
    CATALOG.iter().filter(move |e| e.kind == kind)
}
