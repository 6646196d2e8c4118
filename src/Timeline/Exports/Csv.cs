using System.Text;

namespace Timeline.Exports;

/// <summary>RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma, quote or line break, quotes doubled.</summary>
public static class Csv
{
    /// <summary>Characters that make a spreadsheet read a cell as a formula; such a cell gets a leading apostrophe.</summary>
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    public static byte[] Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var text = new StringBuilder();
        Line(text, header);
        foreach (var row in rows) Line(text, row);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Line(StringBuilder text, IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) text.Append(',');
            Field(text, Guard(cells[i] ?? ""));
        }

        text.Append("\r\n");
    }

    /// <summary>Neutralises formula injection: the cell is shown as text, with its content unchanged after the apostrophe.</summary>
    public static string Guard(string cell) => cell.Length > 0 && FormulaStarts.Contains(cell[0]) ? "'" + cell : cell;

    private static void Field(StringBuilder text, string cell)
    {
        if (cell.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            text.Append(cell);
            return;
        }

        text.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
