using Microsoft.Extensions.FileProviders;

namespace Timeline.Pages;

/// <summary>
/// The page people read, served from <c>wwwroot</c> on the API's own origin (no CDN: newsrooms are often offline).
/// Page routes are plain endpoints, not Wolverine ones, so the API's strict query rule leaves their state in the URL alone.
/// </summary>
public static class PagesSetup
{
    private static readonly (string Route, string File)[] Pages =
    [
        ("/", "index.html"),
        ("/people/{id}", "person.html"),
        ("/contradictions", "contradictions.html"),
        ("/sources/{id}", "source.html"),
    ];

    public static WebApplication MapTimelinePages(this WebApplication app)
    {
        var files = WebRoot(app.Environment);
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        foreach (var (route, file) in Pages)
        {
            app.MapGet(route, () => Results.File(files.GetFileInfo(file).CreateReadStream(), "text/html; charset=utf-8"))
                .ExcludeFromDescription();
        }

        return app;
    }

    // The content root is the working directory; a service started from elsewhere still finds the pages beside its build.
    private static IFileProvider WebRoot(IWebHostEnvironment environment)
    {
        if (environment.WebRootFileProvider.GetFileInfo("index.html").Exists) return environment.WebRootFileProvider;
        var besideBuild = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(besideBuild) ? new PhysicalFileProvider(besideBuild) : environment.WebRootFileProvider;
    }
}
