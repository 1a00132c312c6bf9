//! `doorstep-pms`: the platform API service and its operator commands.

fn main() -> std::process::ExitCode {
    doorstep_pms::cli::main()
}
