Attribute VB_Name = "ScorecardRibbon"
' The Scorecard tab's buttons (onAction in customUI14.xml). Each hands the click to one function
' of workbook_builder/ribbon.py through xlwings' RunPython; the xlwings module is part of this
' add-in, so no other add-in is needed. No logic lives here: Python does the work, shows progress
' on the status bar and reports the outcome, or the same error the command line prints, in a message box.
' Settings (Python interpreter, folders, period) come from scorecard.conf; see the README.
Option Explicit

Sub BuildScorecards(control As IRibbonControl)
    NeedWorkbook
    RunPython "import workbook_builder.ribbon as ribbon; ribbon.build_scorecards()"
End Sub

Sub ReconcileWithDfe(control As IRibbonControl)
    NeedWorkbook
    RunPython "import workbook_builder.ribbon as ribbon; ribbon.reconcile_with_dfe()"
End Sub

Sub ValidateInputs(control As IRibbonControl)
    NeedWorkbook
    RunPython "import workbook_builder.ribbon as ribbon; ribbon.validate_inputs()"
End Sub

Sub TraceSelectedCell(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open a workbook built by scorecard and select one of its figures first.", vbInformation, "Scorecard"
        Exit Sub
    End If
    RunPython "import workbook_builder.ribbon as ribbon; ribbon.trace_selected_cell()"
End Sub

Sub OpenOutputsFolder(control As IRibbonControl)
    NeedWorkbook
    RunPython "import workbook_builder.ribbon as ribbon; ribbon.open_outputs_folder()"
End Sub

Private Sub NeedWorkbook()
    ' RunPython answers to the active workbook; with none open, start a blank one.
    If ActiveWorkbook Is Nothing Then Workbooks.Add
End Sub
