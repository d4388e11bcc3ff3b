using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Configuration;

namespace Ranvier.Server.Tests.Infrastructure;

internal static class ServiceProviderExtensions
{
    public static RanvierOptions GetOptions(this IServiceProvider services) => services.GetRequiredService<RanvierOptions>();
}
