//! Unsupervised readout: each neuron takes the class it responded to most, and an image gets the
//! class whose neurons fired most on average (Diehl & Cook's assignment and classification).

/// Number of classes of MNIST and Fashion-MNIST.
pub const CLASSES: usize = 10;

/// Assigns a class to every neuron from the spike counts `responses` (`images x n`, row per image)
/// of images with `labels`. A neuron that never fired stays unassigned (`None`).
pub fn assign(responses: &[u32], labels: &[u8], n: usize) -> Vec<Option<u8>> {
    let mut sums = vec![0u64; CLASSES * n];
    let mut per_class = [0u64; CLASSES];
    for (row, &label) in responses.chunks_exact(n).zip(labels) {
        let c = label as usize % CLASSES;
        per_class[c] += 1;
        for (s, &r) in sums[c * n..(c + 1) * n].iter_mut().zip(row) {
            *s += r as u64;
        }
    }
    (0..n)
        .map(|j| {
            let mut best = None;
            let mut best_rate = 0.0f64;
            for c in 0..CLASSES {
                if per_class[c] == 0 {
                    continue;
                }
                let rate = sums[c * n + j] as f64 / per_class[c] as f64;
                if rate > best_rate {
                    best_rate = rate;
                    best = Some(c as u8);
                }
            }
            best
        })
        .collect()
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
