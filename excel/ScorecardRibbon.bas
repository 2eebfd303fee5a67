Attribute VB_Name = "ScorecardRibbon"
' Ribbon callbacks: each hands over to Python through xlwings (RunPython).
' Requires the xlwings add-in and `pip install "scorecard[excel]"` in the Python that xlwings uses.

Sub BuildScorecard(control As IRibbonControl)
    RunPython "import workbook_builder.ribbon as r; r.build_scorecard()"
End Sub

Sub ValidateInputs(control As IRibbonControl)
    RunPython "import workbook_builder.ribbon as r; r.validate_inputs()"
End Sub

Sub TraceThisCell(control As IRibbonControl)
    RunPython "import workbook_builder.ribbon as r; r.trace_this_cell()"
End Sub
