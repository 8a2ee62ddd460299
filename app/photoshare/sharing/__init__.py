"""Share links: a random token that shows one photo or one album to anyone who has it."""
