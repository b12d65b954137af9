"""The brief: what it shows, how numbers read, charts, and the PDF and HTML render."""
