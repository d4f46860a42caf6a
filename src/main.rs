fn main() {
    std::process::exit(salesbook::cli::main());
}
