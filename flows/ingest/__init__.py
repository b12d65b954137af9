"""Getting releases in: the source registry, fetching, feeds, the raw archive, the inbox."""
