"""Command-line options of the test suite."""


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden standard-form files in tests/golden/ instead of comparing (make golden)",
    )
