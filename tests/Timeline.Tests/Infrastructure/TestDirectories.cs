using System.Security.Cryptography;

namespace Timeline.Tests.Infrastructure;

/// <summary>The repository's folders, and scratch folders the <c>postgres</c> user can enter when tests run as root.</summary>
public static class TestDirectories
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Timeline.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException($"No Timeline.sln above {AppContext.BaseDirectory}");
    }

    public static string Create(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), $"timeline-{purpose}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not delete {path}: {ex.Message}");
        }
    }
}
