"""scorecard: build children's services performance scorecard workbooks from source extracts.

Data flows one way through the package:

    sources/      readers for ChAT, DfE open data, local tables  -> Observation (with Provenance)
    measures/     mapping files (typed) and resolution of each Measure's series
    judgements/   RAG and direction of travel, as live Excel rules and as text
    writers/      edit a template package without damaging it; add Audit and Sources sheets
    build.py      the one library call the CLI and the Excel ribbon both use
"""

__version__ = "0.1.0"
