"""Project-wide test setup. pytester must be enabled here: pytest only honours
`pytest_plugins` in the top-level conftest."""

pytest_plugins = ["pytester"]
