"""The report's sections: one builder per numbered part, each from a ``ReportContext``."""
