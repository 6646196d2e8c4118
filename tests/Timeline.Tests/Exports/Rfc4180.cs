using System.Text;

namespace Timeline.Tests.Exports;

/// <summary>
/// A strict RFC 4180 reader written for the tests, independent of the service's writer: records end in CRLF, a
/// field holding a comma, quote or line break is quoted, and anything else (a bare CR or LF, a stray quote) is an error.
/// </summary>
public static class Rfc4180
{
    public static List<List<string>> Read(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FormatException("a quoted field is not closed");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    if (text[i] == '"') throw new FormatException($"a quote inside an unquoted field at {i}");
                    field.Append(text[i++]);
                }
            }

            record.Add(field.ToString());
            field.Clear();
            if (i >= text.Length) throw new FormatException("the last record does not end in CRLF");
            if (text[i] == ',')
            {
                i++;
                continue;
            }

            if (text[i] != '\r' || i + 1 >= text.Length || text[i + 1] != '\n') throw new FormatException($"a line break that is not CRLF at {i}");
            i += 2;
            records.Add(record);
            record = [];
        }

        return records;
    }
}
