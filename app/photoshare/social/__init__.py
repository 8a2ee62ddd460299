"""Comments and likes on the photos a viewer may see."""
