package org.exitbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.exitbench.progress.CancellationToken;
import org.exitbench.progress.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images from outside a dataset made to look like the bundled Fashion-MNIST sample's (1×32×32, light objects on black
 * inside a 2-pixel margin): a dataset image untouched, a phone photo of a pen drawing converted, and bad files refused
 * naming them.
 */
public class ImageConversionTest {

    private static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");
    private static ImageDataset test;

    @TempDir
    Path temp;

    @BeforeAll
    static void readSample() {
        test = DatasetReaders.read(SAMPLE, ReadOptions.DEFAULTS, ProgressListener.NONE, CancellationToken.NEVER)
                .split(Split.TEST);
    }

    /**
     * A colour photo of a dark-blue pen drawing (a pair of trousers: two legs and a waistband) on slightly uneven
     * white paper, as a phone takes it: large, landscape, JPEG.
     */
    public static Path photographedDrawing(Path folder, int width, int height) throws IOException {
        BufferedImage photo = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        for (int y = 0; y < height; y++) {
            // Paper lit unevenly: 235 at the top, 205 at the bottom, slightly warm.
            int v = 235 - 30 * y / height;
            g.setColor(new Color(v, v - 4, v - 12));
            g.drawLine(0, y, width - 1, y);
        }
        g.setColor(new Color(25, 30, 90));
        g.setStroke(new BasicStroke(width / 60f));
        int cx = width / 2;
        int top = height / 5;
        int bottom = height * 4 / 5;
        int half = height / 6;
        g.drawRect(cx - half, top, 2 * half, height / 14);
        g.drawLine(cx - half, top, cx - half + height / 20, bottom);
        g.drawLine(cx, top + height / 14, cx - height / 30, bottom);
        g.drawLine(cx, top + height / 14, cx + height / 30, bottom);
        g.drawLine(cx + half, top, cx + half - height / 20, bottom);
        g.dispose();
        Path file = folder.resolve("trousers-photo.jpg");
        assertTrue(ImageIO.write(photo, "jpg", file.toFile()));
        return file;
    }

    @Test
    void theSampleLooksLikeLightObjectsOnBlackInsideATwoPixelMargin() {
        ImageConversion.Look look = ImageConversion.Look.of(test);
        assertEquals(new ImageConversion.Look(0, true, 2), look);
    }

    @Test
    void aDatasetImageIsUsedByteForByte() {
        ImageConversion.Look look = ImageConversion.Look.of(test);
        for (int i : new int[] {0, 700, 2499}) {
            ImageConversion.Original original = ImageConversion.Original.read(Path.of(test.source(i)));
            ImageConversion.Converted converted = ImageConversion.convert(original, 1, 32, 32, look,
                    ImageConversion.suggestsInversion(original, look));
            assertFalse(converted.inverted(), test.source(i));
            assertArrayEquals(test.copyImage(i, new byte[test.imageBytes()], 0), converted.pixels(), test.source(i));
            assertTrue(converted.description().endsWith("like the dataset's images: used as it is."),
                    converted.description());
        }
    }

    @Test
    void aPhotographedDrawingIsMadeGrayInvertedCroppedAndCentredLikeTheDatasetsObjects() throws IOException {
        ImageConversion.Look look = ImageConversion.Look.of(test);
        Path photo = photographedDrawing(temp, 2400, 1800);
        ImageConversion.Original original = ImageConversion.Original.read(photo);
        assertEquals(3, original.channels());
        assertEquals(ImageConversion.WORKING_SIDE, original.width(), "a working copy of at most 1024 pixels");
        assertEquals(1800, original.sourceHeight());
        assertTrue(ImageConversion.suggestsInversion(original, look), "white paper, a dataset on black");

        ImageConversion.Converted converted = ImageConversion.convert(original, 1, 32, 32, look, true);
        String text = converted.description();
        assertTrue(text.startsWith("Converted for the network: trousers-photo.jpg (2400×1800 colour): made gray"),
                text);
        for (String step : new String[] {"inverted: its background is light, the dataset's dark", "background levelled to the dataset's", "cropped to the drawing", "centred on 32×32 inside "
                + "the dataset's 2-pixel margin"}) {
            assertTrue(text.contains(step), step + " in: " + text);
        }
        byte[] px = converted.pixels();
        assertEquals(32 * 32, px.length);
        int border = 0;
        int bright = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int v = px[y * 32 + x] & 0xFF;
                if (y < 2 || y >= 30 || x < 2 || x >= 30) {
                    border = Math.max(border, v);
                }
                bright += v > 128 ? 1 : 0;
            }
        }
        assertEquals(0, border, "the margin is the dataset's black");
        assertTrue(bright >= 40, "the strokes are light: " + bright + " pixels above 128");
        // The drawing is taller than wide, so it fills the 28 rows inside the margin.
        int firstRow = -1;
        int lastRow = -1;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                if ((px[y * 32 + x] & 0xFF) > 64) {
                    lastRow = y;
                    firstRow = firstRow < 0 ? y : firstRow;
                }
            }
        }
        assertTrue(firstRow <= 3 && lastRow >= 28, "rows " + firstRow + ".." + lastRow);

        ImageConversion.Converted unturned = ImageConversion.convert(original, 1, 32, 32, look, false);
        assertFalse(unturned.inverted());
        assertTrue(unturned.inversionSuggested());
        assertTrue(unturned.description().contains("not inverted, although its background is light and the "
                + "dataset's dark"), unturned.description());
    }

    @Test
    void withoutADatasetLookTheImageIsOnlyLetterboxed() throws IOException {
        ImageConversion.Original original = ImageConversion.Original.read(photographedDrawing(temp, 400, 300));
        ImageConversion.Converted converted = ImageConversion.convert(original, 3, 32, 32,
                ImageConversion.Look.unknown(), false);
        assertEquals(3 * 32 * 32, converted.pixels().length);
        assertTrue(converted.description().endsWith("scaled to 32×24 and centred on 32×32."),
                converted.description());
        assertEquals(0, converted.pixels()[0], "the bars above and below are the look's background");
    }

    @Test
    void transparentPixelsLieOnWhite() {
        int[] argb = {0x00000000, 0xFF000000, 0x80000000, 0xFFFFFFFF};
        ImageConversion.Original original = ImageConversion.Original.ofArgb(argb, 2, 2, "pasted image");
        assertEquals(1, original.channels());
        assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 127, (byte) 255}, original.pixels());
    }

    @Test
    void badInputIsRefusedNamingIt() throws IOException {
        Path broken = temp.resolve("broken.png");
        Files.write(broken, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
        DatasetException corrupt = assertThrows(DatasetException.class, () -> ImageConversion.Original.read(broken));
        assertTrue(corrupt.getMessage().contains("broken.png"), corrupt.getMessage());
        Path text = Files.writeString(temp.resolve("notes.jpg"), "not an image");
        DatasetException notImage = assertThrows(DatasetException.class, () -> ImageConversion.Original.read(text));
        assertTrue(notImage.getMessage().contains("notes.jpg"), notImage.getMessage());
        DatasetException folder = assertThrows(DatasetException.class, () -> ImageConversion.Original.read(temp));
        assertTrue(folder.getMessage().contains("is a folder, not an image"), folder.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> ImageConversion.Original.ofArgb(new int[0], 100_000, 100_000, "pasted image"));
        assertTrue(huge.getMessage().startsWith("pasted image has 100000×100000 pixels"), huge.getMessage());
    }
}
