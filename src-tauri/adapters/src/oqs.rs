//! oqs
