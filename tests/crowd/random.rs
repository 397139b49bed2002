//! A small deterministic generator (xorshift), so that every run of a test or a benchmark
//! makes the same data.

pub struct Random(pub u64);

impl Random {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Skewed towards small numbers, from 1 to `n`: a few actors take part in many meetings.
    pub fn popular(&mut self, n: u64) -> u64 {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) as u64).clamp(1, n)
    }
}
