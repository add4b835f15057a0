fn main() { madoguchi_app::run() }
