//! The command line's exit codes, all of them (every subcommand uses these).

/// Exit codes: 0 answered (whatever the validity), 2 bad input, 3 service
/// problem, 4 local problem (settings, database).
pub const EXIT_INPUT: u8 = 2;
pub const EXIT_SERVICE: u8 = 3;
pub const EXIT_LOCAL: u8 = 4;

