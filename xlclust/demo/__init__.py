"""The offline demo world: real English Wikipedia text and fake languages made from it."""
