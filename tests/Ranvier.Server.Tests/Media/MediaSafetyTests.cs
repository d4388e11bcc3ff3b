using System.Net;
using Ranvier.Server.Configuration;
using Ranvier.Server.Services.Media;

namespace Ranvier.Server.Tests.Media;

public sealed class MediaSafetyTests
{
    [Theory]
    [InlineData("image/png", "a.png", "inline; filename=\"a.png\"")]
    [InlineData("IMAGE/PNG; charset=x", null, "inline")]
    [InlineData("text/html", "page.html", "attachment; filename=\"page.html\"")]
    [InlineData("image/svg+xml", "x.svg", "attachment; filename=\"x.svg\"")]
    [InlineData("application/octet-stream", "../../etc/passwd", "attachment; filename=\"etcpasswd\"")]
    [InlineData("text/plain", "bad\r\nSet-Cookie: x", "inline; filename=\"badSet-Cookie: x\"")]
    [InlineData("text/plain", "résumé \"v2\".txt", "inline; filename*=utf-8''r%C3%A9sum%C3%A9%20%22v2%22.txt")]
    [InlineData("text/plain", "\u0001", "inline")]
    public void Content_disposition_is_inline_only_for_safe_types_and_names_are_sanitised(string type, string? name, string expected) =>
        MediaHeaders.ContentDisposition(type, name).ShouldBe(expected);

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd12::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:4700::1111", true)]
    public void Outbound_addresses_inside_are_denied_by_default(string address, bool allowed) =>
        new OutboundAddressPolicy(new UrlPreviewOptions()).IsAllowed(IPAddress.Parse(address)).ShouldBe(allowed);

    [Fact]
    public void Configured_ranges_add_denials_and_allowances_win()
    {
        var policy = new OutboundAddressPolicy(new UrlPreviewOptions
        {
            Denylist = [IPNetwork.Parse("93.184.0.0/16")],
            Allowlist = [IPNetwork.Parse("10.5.0.0/16")],
        });

        policy.IsAllowed(IPAddress.Parse("93.184.216.34")).ShouldBeFalse();
        policy.IsAllowed(IPAddress.Parse("10.5.1.1")).ShouldBeTrue();
        policy.IsAllowed(IPAddress.Parse("10.6.1.1")).ShouldBeFalse();
    }

    [Fact]
    public void Images_are_recognised_by_signature_only()
    {
        ImageFormats.Detect(TestImages.Png(1, 1)).ShouldBe(ImageFormat.Png);
        ImageFormats.Detect([0xFF, 0xD8, 0xFF, 0xE0]).ShouldBe(ImageFormat.Jpeg);
        ImageFormats.Detect("GIF89a...."u8).ShouldBe(ImageFormat.Gif);
        ImageFormats.Detect("RIFF\0\0\0\0WEBPVP8 "u8).ShouldBe(ImageFormat.Webp);
        ImageFormats.Detect("%PDF-1.7"u8).ShouldBe(ImageFormat.None);
        ImageFormats.Detect("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8).ShouldBe(ImageFormat.None);
    }
}
