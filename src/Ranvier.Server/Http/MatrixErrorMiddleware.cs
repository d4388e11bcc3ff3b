using System.Text.Json;

namespace Ranvier.Server.Http;

/// <summary>
/// The one place where failures become Matrix error responses: thrown <see cref="MatrixError"/>s, bodies
/// over the size limit, routes that do not exist (404 M_UNRECOGNIZED) or exist for other methods
/// (405 M_UNRECOGNIZED), and unexpected exceptions (500 M_UNKNOWN, logged, never described to the client).
/// </summary>
internal sealed partial class MatrixErrorMiddleware(RequestDelegate next, ILogger<MatrixErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (MatrixError error)
        {
            await WriteAsync(context, error);
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteAsync(context, MatrixError.TooLarge());
            return;
        }
        catch (BadHttpRequestException e)
        {
            await WriteAsync(context, new MatrixError(e.StatusCode, "M_UNKNOWN", "Bad request"));
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return;
        }
        catch (Exception e)
        {
            LogUnhandled(logger, e, context.Request.Method, context.Request.Path);
            await WriteAsync(context, MatrixError.Unknown());
            return;
        }

        // Routing found no endpoint (404) or one for another method (405) and wrote nothing: say so in Matrix terms.
        if (!context.Response.HasStarted && context.Response.ContentLength is null && context.Response.ContentType is null)
        {
            if (context.Response.StatusCode == StatusCodes.Status404NotFound && context.GetEndpoint() is null)
            {
                await WriteAsync(context, MatrixError.Unrecognized());
            }
            else if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
            {
                await WriteAsync(context, MatrixError.MethodNotAllowed());
            }
        }
    }

    /// <summary>Writes <paramref name="error"/> as the response, unless the response has already begun.</summary>
    public static async Task WriteAsync(HttpContext context, MatrixError error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        MatrixCors.Apply(context.Response);
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        if (error.RetryAfterMs is { } retry)
        {
            // RFC 9110 Retry-After is in whole seconds; clients that know Matrix read retry_after_ms.
            context.Response.Headers.RetryAfter = ((retry + 999) / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("errcode"u8, error.ErrorCode);
        writer.WriteString("error"u8, error.Message);
        if (error.RetryAfterMs is { } ms)
        {
            writer.WriteNumber("retry_after_ms"u8, ms);
        }

        if (error.SoftLogout is { } soft)
        {
            writer.WriteBoolean("soft_logout"u8, soft);
        }

        if (error.CurrentVersion is { } current)
        {
            writer.WriteString("current_version"u8, current);
        }

        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
