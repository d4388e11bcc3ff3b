namespace Ranvier.Server.Http;

/// <summary>
/// CORS as the client-server spec recommends ("Web Browser Clients"): the same headers on every response,
/// and every OPTIONS request answered at once without running any endpoint logic.
/// </summary>
internal sealed class MatrixCors(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        Apply(context.Response);
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        return next(context);
    }

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = "GET, POST, PUT, DELETE, OPTIONS";
        headers.AccessControlAllowHeaders = "X-Requested-With, Content-Type, Authorization";
    }
}
