"""Albums: named groups of one owner's photos, with a cover and keyset pages."""
