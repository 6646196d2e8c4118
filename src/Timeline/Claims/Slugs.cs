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
        // Called for every claim's proposition and claimant: no builder, and one string for the result.
        var normal = text.Normalize(NormalizationForm.FormKC);
        var buffer = normal.Length <= 256 ? stackalloc char[normal.Length] : new char[normal.Length];
        var length = 0;
        var dash = false;
        foreach (var c in normal)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (dash && length > 0) buffer[length++] = '-';
                buffer[length++] = char.ToLowerInvariant(c);
                dash = false;
            }
            else
            {
                dash = true;
            }
        }

        return new string(buffer[..length]);
    }
}
