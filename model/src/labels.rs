//! Unsupervised readout. Both readouts start from the same statistics of the labelling images:
//! every neuron's mean spike count for every class ([`ClassResponses`]).
//!
//! - **mean** (Diehl & Cook's, what `test_accuracy` reports): each neuron takes the class it
//!   responded to most, and an image gets the class whose neurons fired most on average;
//! - **likelihood** (reported beside it, `test_accuracy_likelihood`): an image gets the class
//!   under which its spike counts are most likely if every neuron fires a Poisson number of
//!   spikes with its mean for that class. It reads every neuron's whole class profile instead of
//!   its top class only, so a neuron that answers to shirts and coats alike counts as weak
//!   evidence for both. No parameter is fitted: the means are smoothed by one pseudo-image at the
//!   neuron's mean over all classes (docs/baseline.md, "Readout").

/// Number of classes of MNIST and Fashion-MNIST.
pub const CLASSES: usize = 10;

/// Summed spike counts of every neuron per class over the labelling images, and how many images
/// of each class there were.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassResponses {
    n: usize,
    /// `sums[c * n + j]`: spikes of neuron j over the images of class c.
    sums: Vec<u64>,
    images: [u64; CLASSES],
}

impl ClassResponses {
    /// Sums the spike counts `responses` (`images x n`, row per image) of images with `labels`.
    pub fn measure(responses: &[u32], labels: &[u8], n: usize) -> Self {
        let mut sums = vec![0u64; CLASSES * n];
        let mut images = [0u64; CLASSES];
        for (row, &label) in responses.chunks_exact(n).zip(labels) {
            let c = label as usize % CLASSES;
            images[c] += 1;
            for (s, &r) in sums[c * n..(c + 1) * n].iter_mut().zip(row) {
                *s += r as u64;
            }
        }
        ClassResponses { n, sums, images }
    }

    /// Diehl & Cook's assignment: each neuron's class of highest mean response (lowest class on
    /// ties); a neuron that never fired stays unassigned (`None`).
    pub fn assignments(&self) -> Vec<Option<u8>> {
        let n = self.n;
        (0..n)
            .map(|j| {
                let mut best = None;
                let mut best_rate = 0.0f64;
                for c in 0..CLASSES {
                    if self.images[c] == 0 {
                        continue;
                    }
                    let rate = self.sums[c * n + j] as f64 / self.images[c] as f64;
                    if rate > best_rate {
                        best_rate = rate;
                        best = Some(c as u8);
                    }
                }
                best
            })
            .collect()
    }

    /// The Poisson-likelihood readout built from these responses.
    pub fn likelihood(&self) -> LikelihoodReadout {
        LikelihoodReadout::new(self)
    }
}

/// Assigns a class to every neuron from the spike counts `responses` (`images x n`, row per image)
/// of images with `labels`. A neuron that never fired stays unassigned (`None`).
pub fn assign(responses: &[u32], labels: &[u8], n: usize) -> Vec<Option<u8>> {
    ClassResponses::measure(responses, labels, n).assignments()
}

/// The class under which an image's spike counts are most likely, every neuron j firing a
/// Poisson number of spikes with mean `rate[c][j]` for class c: the class maximising
/// `sum_j count_j ln rate[c][j] - sum_j rate[c][j]` (the `count_j!` terms are the same for
/// every class). `rate[c][j] = (s_cj + m_j) / (images_c + 1)`, with s_cj the spikes of neuron j
/// over the labelling images of class c and m_j its mean over all of them: the class mean with
/// one pseudo-image at the neuron's overall mean, so that a neuron silent for a class in the
/// labelling images does not rule that class out (a zero rate would give ln 0). Neurons that
/// never fired have rate 0 for every class and take no part.
#[derive(Clone, Debug, PartialEq)]
pub struct LikelihoodReadout {
    n: usize,
    /// `log_rates[c * n + j]`: ln rate[c][j], 0 where the rate is 0 (no evidence either way).
    log_rates: Vec<f64>,
    /// `sum_j rate[c][j]`: the spikes the layer is expected to fire for an image of class c.
    expected: [f64; CLASSES],
    /// Classes with at least one labelling image; the others are never chosen.
    seen: [bool; CLASSES],
}

impl LikelihoodReadout {
    fn new(r: &ClassResponses) -> Self {
        let n = r.n;
        let total_images: u64 = r.images.iter().sum();
        let mut log_rates = vec![0.0f64; CLASSES * n];
        let mut expected = [0.0f64; CLASSES];
        for j in 0..n {
            let spikes: u64 = (0..CLASSES).map(|c| r.sums[c * n + j]).sum();
            if spikes == 0 {
                continue;
            }
            let mean = spikes as f64 / total_images as f64;
            for c in 0..CLASSES {
                let rate = (r.sums[c * n + j] as f64 + mean) / (r.images[c] as f64 + 1.0);
                log_rates[c * n + j] = rate.ln();
                expected[c] += rate;
            }
        }
        LikelihoodReadout {
            n,
            log_rates,
            expected,
            seen: r.images.map(|k| k > 0),
        }
    }

    /// The most likely class of an image with spike counts `counts`, among the classes that had
    /// labelling images (lowest class on ties; 0 when there were none).
    pub fn classify(&self, counts: &[u32]) -> u8 {
        let mut best = 0u8;
        let mut best_score = f64::NEG_INFINITY;
        for c in (0..CLASSES).filter(|&c| self.seen[c]) {
            let logs = &self.log_rates[c * self.n..(c + 1) * self.n];
            let score = counts
                .iter()
                .zip(logs)
                .map(|(&k, &l)| k as f64 * l)
                .sum::<f64>()
                - self.expected[c];
            if score > best_score {
                best_score = score;
                best = c as u8;
            }
        }
        best
    }

    /// Fraction of images (rows of `responses`) classified as their label.
    pub fn accuracy(&self, responses: &[u32], labels: &[u8]) -> f64 {
        if labels.is_empty() || self.n == 0 {
            return 0.0;
        }
        let correct = responses
            .chunks_exact(self.n)
            .zip(labels)
            .filter(|(row, &l)| self.classify(row) == l)
            .count();
        correct as f64 / labels.len() as f64
    }
}

/// The class whose assigned neurons have the highest mean spike count (lowest class on ties).
pub fn classify(counts: &[u32], assignments: &[Option<u8>]) -> u8 {
    let mut sums = [0u64; CLASSES];
    let mut members = [0u64; CLASSES];
    for (&count, a) in counts.iter().zip(assignments) {
        if let Some(c) = a {
            sums[*c as usize] += count as u64;
            members[*c as usize] += 1;
        }
    }
    let mut best = 0u8;
    let mut best_rate = -1.0f64;
    for c in 0..CLASSES {
        let rate = if members[c] == 0 {
            0.0
        } else {
            sums[c] as f64 / members[c] as f64
        };
        if rate > best_rate {
            best_rate = rate;
            best = c as u8;
        }
    }
    best
}

/// Fraction of images (rows of `responses`) classified as their label.
pub fn accuracy(responses: &[u32], labels: &[u8], assignments: &[Option<u8>]) -> f64 {
    let n = assignments.len();
    if labels.is_empty() || n == 0 {
        return 0.0;
    }
    let correct = responses
        .chunks_exact(n)
        .zip(labels)
        .filter(|(row, &l)| classify(row, assignments) == l)
        .count();
    correct as f64 / labels.len() as f64
}

/// Training-time accuracy estimate for progress display, the way the authors monitor training:
/// responses of each window of images are classified with the assignments of the window before.
#[derive(Clone, Debug)]
pub struct RunningAccuracy {
    n: usize,
    window: usize,
    responses: Vec<u32>,
    labels: Vec<u8>,
    assignments: Option<Vec<Option<u8>>>,
    correct: u64,
    judged: u64,
}

impl RunningAccuracy {
    pub fn new(n: usize, window: usize) -> Self {
        RunningAccuracy {
            n,
            window: window.max(1),
            responses: Vec::new(),
            labels: Vec::new(),
            assignments: None,
            correct: 0,
            judged: 0,
        }
    }

    /// Records one training image's response.
    pub fn push(&mut self, counts: &[u32], label: u8) {
        if let Some(a) = &self.assignments {
            self.judged += 1;
            if classify(counts, a) == label {
                self.correct += 1;
            }
        }
        self.responses.extend_from_slice(counts);
        self.labels.push(label);
        if self.labels.len() == self.window {
            self.assignments = Some(assign(&self.responses, &self.labels, self.n));
            self.responses.clear();
            self.labels.clear();
        }
    }

    /// Accuracy over the images judged so far, once a first window has been seen.
    pub fn value(&self) -> Option<f64> {
        (self.judged > 0).then(|| self.correct as f64 / self.judged as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_follows_mean_response_per_class() {
        // 3 neurons, 4 images: labels 0, 0, 1, 2.
        // neuron 0 fires for class 0; neuron 1 fires 4 on one class-1 image vs 3 on average for
        // class 0 (mean over 2 images); neuron 2 never fires.
        let responses = [5, 3, 0, 3, 3, 0, 0, 4, 0, 1, 0, 0];
        let labels = [0, 0, 1, 2];
        let a = assign(&responses, &labels, 3);
        assert_eq!(a, vec![Some(0), Some(1), None]);
    }

    #[test]
    fn classification_uses_mean_over_assigned_neurons() {
        let assignments = [Some(0), Some(0), Some(1), None];
        // class 0 mean = (2 + 0) / 2 = 1; class 1 mean = 3; the unassigned neuron is ignored.
        assert_eq!(classify(&[2, 0, 3, 100], &assignments), 1);
        // tie between classes 0 and 1 goes to the lower class.
        assert_eq!(classify(&[2, 0, 1, 0], &assignments), 0);
        assert_eq!(
            accuracy(&[2, 0, 3, 100, 4, 4, 0, 0], &[1, 1], &assignments),
            0.5
        );
    }

    #[test]
    fn likelihood_reads_the_whole_class_profile() {
        // 3 neurons, one labelling image per class 0 and 1.
        // neuron 0: 6 spikes for class 0, 5 for class 1 (assigned 0, weakly);
        // neuron 1: 0 and 4 (assigned 1); neuron 2: 2 and 0 (assigned 0).
        let responses = [6, 0, 2, 5, 4, 0];
        let labels = [0, 1];
        let r = ClassResponses::measure(&responses, &labels, 3);
        let asg = r.assignments();
        assert_eq!(asg, vec![Some(0), Some(1), Some(0)]);
        let l = r.likelihood();
        // Rates (s + mean) / 2: class 0: 5.75, 1, 1.5; class 1: 5.25, 3, 0.5. For the counts
        // [5, 1, 0]: class 0 scores 5 ln 5.75 + ln 1 - 8.25 = 0.496, class 1 5 ln 5.25 + ln 3 -
        // 8.75 = 0.640. Diehl & Cook's mean gives class 0 (neurons 0 and 2: 2.5 against 1).
        assert_eq!(classify(&[5, 1, 0], &asg), 0);
        assert_eq!(l.classify(&[5, 1, 0]), 1);
        // Without neuron 1's spike class 0 wins: 5 ln 5.75 - 8.25 = 0.496 > 5 ln 5.25 - 8.75 = -0.459.
        assert_eq!(l.classify(&[5, 0, 0]), 0);
        // Classes without labelling images are never chosen, even for a silent image (class 1
        // expects 8.75 spikes, class 0 8.25: the silent image is class 0; classes 2-9 expect
        // nothing but were never seen).
        assert_eq!(l.classify(&[0, 0, 0]), 0);
        assert_eq!(l.accuracy(&[5, 1, 0, 5, 0, 0], &[1, 1]), 0.5);
    }

    #[test]
    fn a_neuron_silent_while_labelling_takes_no_part() {
        let with = ClassResponses::measure(&[6, 0, 0, 5, 4, 0], &[0, 1], 3).likelihood();
        let without = ClassResponses::measure(&[6, 0, 5, 4], &[0, 1], 2).likelihood();
        for counts in [[5, 1], [5, 0], [0, 3], [9, 9]] {
            let c = without.classify(&counts);
            assert_eq!(with.classify(&[counts[0], counts[1], 100]), c, "{counts:?}");
        }
        // A neuron silent for one class only does not rule that class out: neuron 1 never fired
        // for class 0, yet an image where it fires once is class 0 when neuron 0 says so.
        let l = ClassResponses::measure(&[9, 0, 1, 2], &[0, 1], 2).likelihood();
        assert_eq!(l.classify(&[9, 1]), 0);
    }

    #[test]
    fn running_accuracy_starts_after_first_window() {
        let mut r = RunningAccuracy::new(2, 2);
        r.push(&[5, 0], 0);
        r.push(&[0, 5], 1);
        assert_eq!(r.value(), None);
        r.push(&[4, 0], 0);
        r.push(&[4, 0], 1);
        assert_eq!(r.value(), Some(0.5));
    }
}
