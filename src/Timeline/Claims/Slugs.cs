using System.Text;
using System.Text.RegularExpressions;

namespace Timeline.Claims;

public static partial class Slugs
{
    public const int MaxLength = 80;

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    public static bool IsSlug(string? text) => text is { Length: > 0 and <= MaxLength } && SlugPattern().IsMatch(text);

    /// <summary>Lower-case, dash-separated form of free text, so "Senate of Pakistan" and "senate of  pakistan" match.</summary>
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var dash = false;
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsLetterOrDigit(c))
            {
                if (dash && builder.Length > 0) builder.Append('-');
                builder.Append(char.ToLowerInvariant(c));
                dash = false;
            }
            else
            {
                dash = true;
            }
        }

        return builder.ToString();
    }
}
